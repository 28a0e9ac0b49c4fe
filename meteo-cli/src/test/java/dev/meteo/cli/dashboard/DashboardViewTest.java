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
                List.of(Windows.window(0, 0.5, 0.5, 0)), 10, ZoneId.of("Europe/Paris"));
        assertTrue(screen(inParis, 120, 40).contains("11:00:00-11:00:05"), screen(inParis, 120, 40));
    }

    @Test
    void sparklineRisesWithTheMeansAndStaysFlatForConstantMeans() {
        String screen = screen(risingWellness(), 120, 40);

        assertTrue(screen.contains("trend     ▁▂▃▄▅▆▇█"), screen);
        assertTrue(screen.contains("trend     ▄▄▄▄▄▄▄▄"), screen);
        assertEquals("▁ █", DashboardView.sparkline(new double[] {1, Double.NaN, 2}));
    }

    @Test
    void lineChartPlotsOnePointPerWindowWithTheRangeOnItsAxis() {
        List<String> lines = DashboardView.renderText(risingWellness(), 120, 40);
        int top = indexOf(lines, "0.800 " + DashboardView.AXIS);
        int bottom = indexOf(lines, "0.100 " + DashboardView.AXIS);

        assertTrue(top > 0 && bottom > top, String.join("\n", lines));
        // Highest mean (newest, rightmost) at the top row, lowest (oldest, leftmost) at the bottom row.
        assertTrue(lines.get(top).endsWith(DashboardView.POINT + ""), lines.get(top));
        assertTrue(lines.get(bottom).contains(DashboardView.AXIS + "" + DashboardView.POINT), lines.get(bottom));
        long points = lines.subList(top, bottom + 1).stream()
                .mapToLong(line -> line.chars().filter(c -> c == DashboardView.POINT).count()).sum();
        assertEquals(8, points);
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
