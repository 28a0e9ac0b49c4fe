package dev.meteo.cli.dashboard;

import dev.meteo.model.CoefficientKind;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.WindowResult;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Draws a {@link DashboardState} as screen lines: a pure function of the state and the screen size, so the dashboard
 * is tested as text. Per kind it shows the latest window's statistics, a sparkline and a line chart of the last
 * windows' means across the screen's width (one column per window, newest on the right, a break for a window without
 * records) with its band mean ± stddev, as tall as the screen allows. On screens shorter than
 * {@value #FULL_LAYOUT_MIN_HEIGHT} rows it drops the charts and keeps the numbers. The box characters are sent as
 * UTF-8, never as the terminal's alternate character set (see {@link AnsiDashboardSink}).
 */
public final class DashboardView {

    /** Sparkline levels, lowest to highest. */
    public static final String SPARKS = "▁▂▃▄▅▆▇█";
    /** The chart's y axis, and where it meets the line's first point. */
    public static final char AXIS = '┤';
    public static final char AXIS_START = '┼';
    /** The line where the mean stays level between two windows. */
    public static final char LEVEL = '─';
    /** The line rising: leaves the lower level with {@code ╯}, climbs with {@code │}, reaches the higher with {@code ╭}. */
    public static final char UP_FROM = '╯';
    public static final char UP_TO = '╭';
    /** The line falling: leaves the higher level with {@code ╮}, reaches the lower with {@code ╰}. */
    public static final char DOWN_FROM = '╮';
    public static final char DOWN_TO = '╰';
    public static final char VERTICAL = '│';
    /** The band mean ± stddev behind the line (drawn faint). */
    public static final char BAND = '░';
    /** Screens shorter than this get the compact layout (no charts, no separators). */
    public static final int FULL_LAYOUT_MIN_HEIGHT = 12;

    private static final int MAX_CHART_ROWS = 25;
    /** Width of the left column holding the labels and the chart's axis, so the sparkline sits above the chart. */
    private static final int GUTTER = 11;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter TIME_MS = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT);

    private static final AttributedStyle TITLE = AttributedStyle.DEFAULT.inverse().bold();
    private static final AttributedStyle DIM = AttributedStyle.DEFAULT.faint();
    private static final AttributedStyle GOOD = AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
    private static final AttributedStyle WARN = AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);
    private static final AttributedStyle BAD = AttributedStyle.DEFAULT.foreground(AttributedStyle.RED).bold();

    private DashboardView() {
    }

    /**
     * The screen for the state: at most {@code height} lines, each at most {@code width} columns wide. Never fails for
     * a small or empty screen (it returns fewer or shorter lines).
     */
    public static List<AttributedString> render(DashboardState state, int width, int height) {
        if (width <= 0 || height <= 0) {
            return List.of();
        }
        List<AttributedString> lines = new ArrayList<>();
        lines.add(title(state, width));
        lines.add(status(state));
        if (!state.strip().isEmpty()) {
            lines.add(new AttributedStringBuilder().append(" ", DIM).append(state.strip(), AttributedStyle.BOLD)
                    .toAttributedString());
        }
        lines.add(windowLine(state));
        if (height < FULL_LAYOUT_MIN_HEIGHT) {
            for (CoefficientKind kind : CoefficientKind.values()) {
                lines.add(statistics(state, kind));
            }
            for (CoefficientKind kind : CoefficientKind.values()) {
                lines.add(sparkLine(state, kind, width));
            }
        } else {
            // title, status, window, separator; per kind: stats, trend, chart; blank between kinds; footer
            int chartRows = Math.min(MAX_CHART_ROWS, (height - lines.size() - 7) / 2);
            lines.add(new AttributedString("━".repeat(width), DIM));
            for (CoefficientKind kind : CoefficientKind.values()) {
                lines.add(statistics(state, kind));
                lines.add(sparkLine(state, kind, width));
                lines.addAll(chart(state, kind, width, chartRows));
                if (kind == CoefficientKind.WELLNESS) {
                    lines.add(new AttributedString(" "));
                }
            }
            lines.add(new AttributedString(" times in " + zoneName(state.zone()) + " · Ctrl-C quits", DIM));
        }
        List<AttributedString> screen = new ArrayList<>(Math.min(height, lines.size()));
        for (AttributedString line : lines.subList(0, Math.min(height, lines.size()))) {
            screen.add(line.columnLength() > width ? line.columnSubSequence(0, width) : line);
        }
        return screen;
    }

    /** {@link #render} without colours: what a reader of the screen sees. */
    public static List<String> renderText(DashboardState state, int width, int height) {
        return render(state, width, height).stream().map(AttributedString::toString).toList();
    }

    /** One readable line per window, for output that is not a terminal (a pipe, a log file, CI). */
    public static String line(WindowResult result, ZoneId zone) {
        StringBuilder out = new StringBuilder("window ").append(range(result, zone));
        for (CoefficientKind kind : CoefficientKind.values()) {
            KindStatistics s = result.statistics(kind);
            out.append(" | ").append(kind.label()).append(" count=").append(s.count());
            if (!s.isEmpty()) {
                out.append(" mean=").append(number(s.mean()))
                        .append(" stddev=").append(number(s.stddev()))
                        .append(" min=").append(number(s.min()))
                        .append(" max=").append(number(s.max()));
            }
        }
        return out.append(" | late=").append(result.lateRecords()).toString();
    }

    /** The window's {@code start-end} in local time, e.g. {@code 10:00:05-10:00:10}. */
    public static String range(WindowResult result, ZoneId zone) {
        return TIME.format(result.start().atZone(zone)) + "-" + TIME.format(result.end().atZone(zone));
    }

    /** The sparkline of the values (one character each; a blank for {@code NaN}), scaled between their min and max. */
    public static String sparkline(double[] values) {
        double[] bounds = bounds(values);
        StringBuilder out = new StringBuilder(values.length);
        for (double value : values) {
            if (Double.isNaN(value)) {
                out.append(' ');
            } else {
                out.append(SPARKS.charAt(level(value, bounds, SPARKS.length())));
            }
        }
        return out.toString();
    }

    private static AttributedString title(DashboardState state, int width) {
        String text = " METEO terminal " + state.terminalId() + " · mode " + state.mode()
                + " · windows received " + state.windowsReceived()
                + " · late " + (state.latest() == null ? 0 : state.latest().lateRecords())
                + " · rejected " + (state.rejected() < 0 ? "?" : Long.toString(state.rejected()));
        return new AttributedString(text + " ".repeat(Math.max(0, width - text.length())), TITLE);
    }

    private static AttributedString status(DashboardState state) {
        String status = state.status();
        String lower = status.toLowerCase(Locale.ROOT);
        AttributedStyle style = lower.startsWith("connected") ? GOOD
                : lower.contains("fail") || lower.contains("error") || lower.contains("lost") ? BAD : WARN;
        return new AttributedStringBuilder().append(" status: ", DIM).append(status, style).toAttributedString();
    }

    private static AttributedString windowLine(DashboardState state) {
        WindowResult latest = state.latest();
        AttributedStringBuilder out = new AttributedStringBuilder().append(" window: ", DIM);
        if (latest == null) {
            return out.append("waiting for the first window…", WARN).toAttributedString();
        }
        Duration size = Duration.between(latest.start(), latest.end());
        return out.append(range(latest, state.zone()), AttributedStyle.BOLD)
                .append(" (" + seconds(size) + ", " + DATE.format(latest.start().atZone(state.zone())) + ")", DIM)
                .append("  records " + latest.recordCount())
                .toAttributedString();
    }

    private static AttributedString statistics(DashboardState state, CoefficientKind kind) {
        AttributedStringBuilder out = new AttributedStringBuilder()
                .append(String.format(Locale.ROOT, " %-" + (GUTTER - 2) + "s ", name(kind)), style(kind).bold());
        WindowResult latest = state.latest();
        if (latest == null) {
            return out.append("no window yet", DIM).toAttributedString();
        }
        KindStatistics s = latest.statistics(kind);
        if (s.isEmpty()) {
            return out.append("mean –  stddev –  min/max –/–  count 0", DIM)
                    .append("  (no records in this window)", DIM).toAttributedString();
        }
        out.append("mean ").append(number(s.mean()), AttributedStyle.BOLD)
                .append("  stddev ").append(number(s.stddev()))
                .append("  min/max ").append(number(s.min())).append("/").append(number(s.max()))
                .append("  count ").append(Long.toString(s.count()));
        if (s.latest() != null) {
            out.append("  latest " + TIME_MS.format(s.latest().atZone(state.zone())), DIM);
        }
        return out.toAttributedString();
    }

    private static AttributedString sparkLine(DashboardState state, CoefficientKind kind, int width) {
        double[] means = means(state, kind, Math.max(0, width - GUTTER));
        return new AttributedStringBuilder()
                .append(String.format(Locale.ROOT, " %-" + (GUTTER - 2) + "s ", "trend"), DIM)
                .append(sparkline(means), style(kind))
                .toAttributedString();
    }

    /**
     * The line chart of one kind, asciichart's way: one column per window (aligned with the sparkline above it), the
     * mean drawn as a continuous line of box characters ({@code ─} level, {@code ╭ ╯} up, {@code ╮ ╰} down,
     * {@code │} between), each row labelled on the y axis; behind the line, the band mean ± stddev in a light shade. A
     * window without records breaks the line.
     */
    private static List<AttributedString> chart(DashboardState state, CoefficientKind kind, int width, int rows) {
        if (rows < 2) {
            return List.of();
        }
        List<KindStatistics> shown = statistics(state, kind, Math.max(0, width - GUTTER));
        int columns = shown.size();
        double min = Double.NaN;
        double max = Double.NaN;
        for (KindStatistics s : shown) {
            if (!s.isEmpty()) {
                min = Double.isNaN(min) ? s.mean() - s.stddev() : Math.min(min, s.mean() - s.stddev());
                max = Double.isNaN(max) ? s.mean() + s.stddev() : Math.max(max, s.mean() + s.stddev());
            }
        }
        double[] bounds = {min, max};
        char[][] grid = new char[rows][columns];
        boolean[][] band = new boolean[rows][columns];
        for (char[] row : grid) {
            Arrays.fill(row, ' ');
        }
        int previous = -1;
        int firstLevel = -1;
        for (int column = 0; column < columns; column++) {
            KindStatistics s = shown.get(column);
            if (s.isEmpty()) {
                previous = -1;
                continue;
            }
            int level = level(s.mean(), bounds, rows);
            int low = level(s.mean() - s.stddev(), bounds, rows);
            int high = level(s.mean() + s.stddev(), bounds, rows);
            for (int shaded = low; shaded <= high; shaded++) {
                band[rows - 1 - shaded][column] = true;
            }
            if (firstLevel < 0) {
                firstLevel = level;
            }
            if (previous < 0 || previous == level) {
                grid[rows - 1 - level][column] = LEVEL;
            } else {
                boolean up = level > previous;
                grid[rows - 1 - previous][column] = up ? UP_FROM : DOWN_FROM;
                grid[rows - 1 - level][column] = up ? UP_TO : DOWN_TO;
                for (int between = Math.min(previous, level) + 1; between < Math.max(previous, level); between++) {
                    grid[rows - 1 - between][column] = VERTICAL;
                }
            }
            previous = level;
        }
        AttributedStyle line = style(kind).bold();
        AttributedStyle shade = style(kind).faint();
        List<AttributedString> lines = new ArrayList<>(rows);
        for (int row = 0; row < rows; row++) {
            String label = Double.isNaN(bounds[0]) ? "" : number(valueAt(row, bounds, rows));
            AttributedStringBuilder out = new AttributedStringBuilder()
                    .append(String.format(Locale.ROOT, "%" + (GUTTER - 2) + "s ", label), DIM)
                    .append(String.valueOf(rows - 1 - row == firstLevel ? AXIS_START : AXIS), DIM);
            for (int column = 0; column < columns; column++) {
                char c = grid[row][column];
                if (c != ' ') {
                    out.append(String.valueOf(c), line);
                } else if (band[row][column]) {
                    out.append(String.valueOf(BAND), shade);
                } else {
                    out.append(' ');
                }
            }
            lines.add(out.toAttributedString());
        }
        return lines;
    }

    /** The value a row stands for: the top row the maximum, the bottom row the minimum. */
    private static double valueAt(int row, double[] bounds, int rows) {
        double span = bounds[1] - bounds[0];
        if (!(span > 0)) {
            return bounds[0];
        }
        return bounds[1] - span * row / (rows - 1);
    }

    /** The statistics of the last {@code columns} windows, oldest first. */
    private static List<KindStatistics> statistics(DashboardState state, CoefficientKind kind, int columns) {
        List<WindowResult> history = state.history();
        return history.subList(Math.max(0, history.size() - columns), history.size()).stream()
                .map(result -> result.statistics(kind)).toList();
    }

    /** The means of the last {@code columns} windows, oldest first; {@code NaN} for a window without records. */
    private static double[] means(DashboardState state, CoefficientKind kind, int columns) {
        List<WindowResult> history = state.history();
        List<WindowResult> shown = history.subList(Math.max(0, history.size() - columns), history.size());
        double[] means = new double[shown.size()];
        for (int i = 0; i < means.length; i++) {
            KindStatistics s = shown.get(i).statistics(kind);
            means[i] = s.isEmpty() ? Double.NaN : s.mean();
        }
        return means;
    }

    /** {min, max} of the values that are not NaN; both NaN when there is none. */
    private static double[] bounds(double[] values) {
        double min = Double.NaN;
        double max = Double.NaN;
        for (double value : values) {
            if (!Double.isNaN(value)) {
                min = Double.isNaN(min) ? value : Math.min(min, value);
                max = Double.isNaN(max) ? value : Math.max(max, value);
            }
        }
        return new double[] {min, max};
    }

    /** The level in {@code [0, levels)} of the value between the bounds; the middle when all values are equal. */
    private static int level(double value, double[] bounds, int levels) {
        double span = bounds[1] - bounds[0];
        if (!(span > 0)) {
            return (levels - 1) / 2;
        }
        int level = (int) Math.round((value - bounds[0]) / span * (levels - 1));
        return Math.max(0, Math.min(levels - 1, level));
    }

    private static String name(CoefficientKind kind) {
        return kind == CoefficientKind.WELLNESS ? "WELLNESS" : "POLLUTION";
    }

    private static AttributedStyle style(CoefficientKind kind) {
        return AttributedStyle.DEFAULT.foreground(kind == CoefficientKind.WELLNESS ? AttributedStyle.CYAN
                : AttributedStyle.MAGENTA);
    }

    private static String zoneName(ZoneId zone) {
        return "Z".equals(zone.getId()) ? "UTC" : zone.getId();
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
