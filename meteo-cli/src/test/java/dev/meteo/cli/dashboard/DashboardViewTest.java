package dev.meteo.cli.dashboard;

import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DashboardViewTest {

    private static final ZoneId UTC = ZoneOffset.UTC;

    /** Eight windows, wellness mean rising 0.1 .. 0.8, pollution flat at 0.6; late count 3 at the end. */
    private static DashboardState risingWellness() {
        DashboardState state = DashboardState.initial("t1", "grpc", UTC)
                .withStatus("connected to proxy 127.0.0.1:7100")
                .withRejected(2);
        for (int i = 0; i < 8; i++) {
            state = state.withWindow(Windows.window(i, 0.1 * (i + 1), 0.6, i == 7 ? 3 : 0));
        }
        return state;
    }

    private static String screen(DashboardState state, int width, int height) {
        return String.join("\n", DashboardView.renderText(state, width, height));
    }

    @Test
    void showsTheLatestStatisticsOfEachKind() {
        String screen = screen(risingWellness(), 120, 40);

        assertTrue(screen.contains("WELLNESS  mean 0.800  stddev 0.013  min/max 0.750/0.850  count 17"
                + "  latest 10:00:39.321"), screen);
        assertTrue(screen.contains("POLLUTION mean 0.600  stddev 0.250  min/max 0.100/1.100  count 7"), screen);
    }

    @Test
    void titleShowsTerminalModeWindowsReceivedLateAndRejectedCounters() {
        List<String> lines = DashboardView.renderText(risingWellness(), 120, 40);

        assertEquals(" METEO terminal t1 · mode grpc · windows received 8 · late 3 · rejected 2", lines.get(0).strip()
                .replaceFirst("^", " "));
        assertEquals(" status: connected to proxy 127.0.0.1:7100", lines.get(1));
    }

    @Test
    void showsTheLatestWindowTimeRangeInTheChosenZone() {
        String screen = screen(risingWellness(), 120, 40);
        assertTrue(screen.contains(" window: 10:00:35-10:00:40 (5 s, 2024-03-01)  records 24"), screen);

        String paris = screen(risingWellness().withCapacity(8), 120, 40);
        assertTrue(paris.contains("10:00:35-10:00:40"), paris);
        DashboardState inParis = new DashboardState("t1", "grpc", "ok", 1, 0,
                List.of(Windows.window(0, 0.5, 0.5, 0)), 10, ZoneId.of("Europe/Paris"), "");
        assertTrue(screen(inParis, 120, 40).contains("11:00:00-11:00:05"), screen(inParis, 120, 40));
    }

    @Test
    void sparklineRisesWithTheMeansAndStaysFlatForConstantMeans() {
        String screen = screen(risingWellness(), 120, 40);

        assertTrue(screen.contains("trend     ▁▂▃▄▅▆▇█"), screen);
        assertTrue(screen.contains("trend     ▄▄▄▄▄▄▄▄"), screen);
        assertEquals("▁ █", DashboardView.sparkline(new double[] {1, Double.NaN, 2}));
    }

    /** The rows of one kind's chart: those whose axis follows the labels column. */
    private static List<String> chartRows(List<String> lines, int from) {
        List<String> rows = new java.util.ArrayList<>();
        for (int i = from; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.length() > 10 && (line.charAt(10) == DashboardView.AXIS || line.charAt(10) == DashboardView.AXIS_START)) {
                rows.add(line);
            } else if (!rows.isEmpty()) {
                break;
            }
        }
        return rows;
    }

    private static final String LINE_CHARACTERS = "─╭╮╰╯│";

    /** The characters plotted in one column of the chart (11 + column on each row). */
    private static String column(List<String> rows, int column) {
        StringBuilder out = new StringBuilder();
        for (String row : rows) {
            out.append(row.length() > 11 + column ? row.charAt(11 + column) : ' ');
        }
        return out.toString();
    }

    @Test
    void lineChartIsAContinuousLineOfBoxCharactersWithALabelledAxisAtEveryWidth() {
        for (int width : new int[] {40, 80, 120, 200}) {
            List<String> lines = DashboardView.renderText(risingWellness(), width, 40);
            List<String> wellness = chartRows(lines, 0);
            String screen = String.join("\n", lines);

            assertTrue(wellness.size() >= 10, width + " columns: chart of " + wellness.size() + " rows\n" + screen);
            // every row is labelled: the top one with the highest mean + stddev, the bottom one with the lowest
            assertTrue(wellness.get(0).startsWith("    0.813 " + DashboardView.AXIS), screen);
            assertTrue(wellness.get(wellness.size() - 1).startsWith("    0.088 "), screen);
            assertTrue(wellness.stream().allMatch(row -> row.substring(0, 9).strip().matches("-?\\d+\\.\\d{3}")), screen);
            // the line starts on the axis' crossing, rises to the right and is never broken: one column per window
            assertEquals(1, wellness.stream().filter(row -> row.charAt(10) == DashboardView.AXIS_START).count(), screen);
            for (int window = 0; window < 8; window++) {
                String plotted = column(wellness, window).replaceAll("[^" + LINE_CHARACTERS + "]", "");
                assertFalse(plotted.isEmpty(), "window " + window + " has no line at " + width + " columns\n" + screen);
                if (window > 0) {
                    assertTrue(plotted.contains(String.valueOf(DashboardView.UP_TO))
                            && plotted.contains(String.valueOf(DashboardView.UP_FROM)), plotted + "\n" + screen);
                }
            }
            assertFalse(String.join("", wellness).contains(String.valueOf(DashboardView.DOWN_TO)), screen);
            assertTrue(lines.stream().allMatch(line -> line.length() <= width), screen);
        }
    }

    @Test
    void aFallingMeanBendsDownAndALevelOneStaysOnItsRow() {
        DashboardState state = DashboardState.initial("t1", "grpc", UTC);
        for (int i = 0; i < 6; i++) {
            state = state.withWindow(Windows.window(i, 0.9 - 0.15 * i, 0.6, 0));
        }
        List<String> lines = DashboardView.renderText(state, 100, 40);
        List<String> wellness = chartRows(lines, 0);
        List<String> pollution = chartRows(lines, lines.indexOf(wellness.get(wellness.size() - 1)) + 1);
        String all = String.join("\n", lines);

        assertTrue(String.join("", wellness).contains(String.valueOf(DashboardView.DOWN_FROM))
                && String.join("", wellness).contains(String.valueOf(DashboardView.DOWN_TO)), all);
        assertFalse(String.join("", wellness).contains(String.valueOf(DashboardView.UP_TO)), all);
        // pollution is flat at 0.6: one row holds its whole line, "──────"
        assertTrue(pollution.stream().anyMatch(row -> row.contains("┼──────") || row.contains("┤──────")), all);
    }

    @Test
    void theBandMeanPlusMinusStddevIsShadedBehindTheLine() {
        List<String> lines = DashboardView.renderText(risingWellness(), 120, 40);
        List<String> wellness = chartRows(lines, 0);
        List<String> pollution = chartRows(lines, lines.indexOf(wellness.get(wellness.size() - 1)) + 1);
        String screen = String.join("\n", lines);

        // pollution's stddev (0.25) spans many rows around its flat mean: shaded above and below the line
        String flat = column(pollution, 3);
        int line = flat.indexOf('─');
        assertTrue(line > 0 && flat.substring(0, line).contains("░") && flat.substring(line).contains("░"),
                flat + "\n" + screen);
    }

    @Test
    void aWindowWithoutRecordsBreaksTheLine() {
        DashboardState state = DashboardState.initial("t1", "grpc", UTC)
                .withWindow(Windows.window(0, 0.2, 0.3, 0))
                .withWindow(Windows.window(1, 0.3, 0.3, 0))
                .withWindow(Windows.empty(2, 0))
                .withWindow(Windows.window(3, 0.4, 0.3, 0));
        List<String> wellness = chartRows(DashboardView.renderText(state, 80, 40), 0);

        assertEquals("", column(wellness, 2).strip(), String.join("\n", wellness));
        assertEquals("─", column(wellness, 3).replaceAll("[^" + LINE_CHARACTERS + "]", ""), String.join("\n", wellness));
    }

    @Test
    void theChartsGrowWithTheScreenAndSpanItsWidth() {
        DashboardState state = DashboardState.initial("t1", "grpc", UTC);
        for (int i = 0; i < 300; i++) {
            state = state.withWindow(Windows.window(i, 0.5 + 0.3 * Math.sin(i / 10.0), 0.5, 0));
        }
        int small = chartRows(DashboardView.renderText(state, 120, 30), 0).size();
        List<String> tall = DashboardView.renderText(state, 160, 60);
        List<String> rows = chartRows(tall, 0);

        assertTrue(rows.size() > small, small + " rows on 30 lines, " + rows.size() + " on 60");
        assertTrue(String.join("\n", tall).lines().count() <= 60);
        for (int column = 0; column < 160 - 11; column++) {
            assertFalse(column(rows, column).replaceAll("[^" + LINE_CHARACTERS + "]", "").isEmpty(),
                    "column " + column + " of a full history has no line");
        }
    }

    @Test
    void theDemoStripShowsUnderTheStatus() {
        List<String> lines = DashboardView.renderText(risingWellness()
                .withStrip("processes 11/11 up · 0 restarted · 12.5 records/s · window lag 4.1 s"), 120, 40);

        assertEquals(" processes 11/11 up · 0 restarted · 12.5 records/s · window lag 4.1 s", lines.get(2));
        assertTrue(lines.get(3).startsWith(" window: "), lines.get(3));
    }

    @Test
    void newestWindowsAreShownWhenTheHistoryIsWiderThanTheScreen() {
        DashboardState state = DashboardState.initial("t1", "grpc", UTC);
        for (int i = 0; i < 100; i++) {
            state = state.withWindow(Windows.window(i, i < 95 ? 0.2 : 0.9, 0.5, 0));
        }
        List<String> lines = DashboardView.renderText(state, 40, 30);

        assertTrue(lines.contains(" trend     " + "▁".repeat(24) + "█████"), String.join("\n", lines));
        assertTrue(lines.stream().allMatch(line -> line.length() <= 40), String.join("\n", lines));
    }

    @Test
    void emptyWindowsShowCountZeroAndLeaveGapsInTheTrend() {
        DashboardState state = DashboardState.initial("t1", "rabbit", UTC)
                .withWindow(Windows.window(0, 0.2, 0.3, 0))
                .withWindow(Windows.empty(1, 1))
                .withWindow(Windows.window(2, 0.4, 0.5, 1))
                .withWindow(Windows.empty(3, 1));
        String screen = screen(state, 100, 40);

        assertTrue(screen.contains("WELLNESS  mean –  stddev –  min/max –/–  count 0  (no records in this window)"), screen);
        assertTrue(screen.contains("trend     ▁ █ "), screen);
        assertTrue(screen.contains("late 1 · rejected ?"), screen);
        assertFalse(screen.contains("NaN"), screen);
    }

    @Test
    void beforeTheFirstWindowItSaysWhatItIsWaitingFor() {
        DashboardState state = DashboardState.initial("t2", "rabbit", UTC).withStatus("waiting for RabbitMQ...");
        String screen = screen(state, 80, 24);

        assertTrue(screen.contains("status: waiting for RabbitMQ..."), screen);
        assertTrue(screen.contains("waiting for the first window"), screen);
        assertTrue(screen.contains("WELLNESS  no window yet"), screen);
        assertTrue(screen.contains("windows received 0 · late 0"), screen);
    }

    @Test
    void tinyScreensGetTheNumbersWithinTheirBounds() {
        DashboardState state = risingWellness();
        for (int width : new int[] {1, 5, 20, 60}) {
            for (int height : new int[] {1, 3, 7, 11, 12, 15}) {
                List<String> lines = DashboardView.renderText(state, width, height);
                assertTrue(lines.size() <= height, width + "x" + height);
                assertTrue(lines.stream().allMatch(line -> line.codePointCount(0, line.length()) <= width),
                        width + "x" + height + ":\n" + String.join("\n", lines));
            }
        }
        assertEquals(List.of(), DashboardView.renderText(state, 0, 10));
        assertEquals(List.of(), DashboardView.renderText(state, 10, 0));

        List<String> compact = DashboardView.renderText(state, 100, 7);
        assertEquals(7, compact.size());
        assertTrue(compact.get(3).contains("WELLNESS  mean 0.800"), String.join("\n", compact));
        assertTrue(compact.get(4).contains("POLLUTION mean 0.600"), String.join("\n", compact));
        assertTrue(compact.get(5).contains("▁▂▃▄▅▆▇█"), String.join("\n", compact));
    }

    @Test
    void plainLineSaysEverythingAboutOneWindow() {
        assertEquals("window 10:00:05-10:00:10 | wellness count=11 mean=0.500 stddev=0.013 min=0.450 max=0.550"
                        + " | pollution count=7 mean=0.250 stddev=0.250 min=-0.250 max=0.750 | late=4",
                DashboardView.line(Windows.window(1, 0.5, 0.25, 4), UTC));
        assertEquals("window 10:00:00-10:00:05 | wellness count=0 | pollution count=0 | late=0",
                DashboardView.line(Windows.empty(0, 0), UTC));
    }

    @Test
    void stateKeepsOnlyTheNewestWindowsButCountsAll() {
        DashboardState state = DashboardState.initial("t1", "grpc", UTC).withCapacity(3);
        for (int i = 0; i < 5; i++) {
            state = state.withWindow(Windows.window(i, 0.5, 0.5, 0));
        }
        assertEquals(5, state.windowsReceived());
        assertEquals(List.of(Windows.window(2, 0.5, 0.5, 0), Windows.window(3, 0.5, 0.5, 0),
                Windows.window(4, 0.5, 0.5, 0)), state.history());
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
