package dev.meteo.nemesis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The picture of a run, as Jepsen's timelines: records per second and window lag over time, one panel each, with
 * every fault's interval shaded across both panels and labelled with its kind and target, so a dip or a lag can be
 * read against the fault that caused it. A standalone SVG, saved beside the history. Each fault is a
 * {@code <rect class="fault" data-kind=".." data-target="..">} with a {@code <title>}, for tools and tests.
 */
public final class Timeline {

    private static final int WIDTH = 1200;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int PANEL = 220;
    private static final int GAP = 50;
    private static final int HEIGHT = TOP + 2 * PANEL + GAP + 40;

    private static final Map<FaultKind, String> COLOURS = new EnumMap<>(Map.of(
            FaultKind.KILL, "#d62728", FaultKind.PAUSE, "#ff7f0e", FaultKind.PARTITION_HOST, "#9467bd",
            FaultKind.PARTITION_SENSOR_LB, "#8c564b", FaultKind.SLOW_LINK, "#e377c2", FaultKind.CLOCK_OFFSET, "#bcbd22",
            FaultKind.REDIS_PRIMARY_LOSS, "#17becf", FaultKind.RABBIT_NODE_LOSS, "#1f77b4",
            FaultKind.TERMINAL_DISK_FULL, "#7f7f7f"));

    private Timeline() {
    }

    /**
     * The SVG of a run: {@code samples} in time order, {@code faults} from its history (one without an end is shaded
     * to {@code runEnd}).
     */
    public static String svg(String title, List<RunSample> samples, List<Fault> faults, Instant runEnd) {
        Instant from = samples.isEmpty() ? runEnd : samples.get(0).at();
        Instant to = samples.isEmpty() ? runEnd : samples.get(samples.size() - 1).at();
        for (Fault fault : faults) {
            from = min(from, fault.start());
            to = max(to, fault.endOr(runEnd));
        }
        long spanMillis = Math.max(1, Duration.between(from, to).toMillis());
        double maxRate = Math.max(1, samples.stream().mapToDouble(RunSample::recordsPerSecond).max().orElse(1));
        double maxLag = Math.max(1, samples.stream().mapToDouble(sample -> sample.windowLag().toMillis() / 1000.0)
                .max().orElse(1));
        Scale x = new Scale(from, spanMillis);
        int ratePanel = TOP;
        int lagPanel = TOP + PANEL + GAP;

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">\n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\">%s</text>\n", LEFT,
                escape(title)));
        int row = 0;
        for (Fault fault : faults) {
            double left = x.of(fault.start());
            double width = Math.max(1, x.of(fault.endOr(runEnd)) - left);
            String colour = COLOURS.get(fault.kind());
            String label = fault.kind().label() + " " + fault.target();
            svg.append(String.format(Locale.ROOT, "<rect class=\"fault\" data-kind=\"%s\" data-target=\"%s\" "
                            + "x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" fill-opacity=\"0.22\">"
                            + "<title>%s</title></rect>\n", fault.kind().label(), escape(fault.target()), left, ratePanel,
                    width, lagPanel + PANEL - ratePanel, colour, escape(fault.toString())));
            // labels take turns on three rows, so neighbouring faults do not write over each other
            svg.append(String.format(Locale.ROOT, "<text class=\"fault-label\" x=\"%.1f\" y=\"%d\" fill=\"%s\">%s"
                    + "</text>\n", left + 2, ratePanel + 12 + 12 * (row++ % 3), colour, escape(label)));
        }
        panel(svg, "records/s", ratePanel, maxRate, x, samples, RunSample::recordsPerSecond, "rate", "#2ca02c");
        panel(svg, "window lag (s)", lagPanel, maxLag, x, samples,
                sample -> sample.windowLag().toMillis() / 1000.0, "lag", "#1f77b4");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">0 s</text>\n", LEFT, HEIGHT - 12));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d s</text>\n",
                WIDTH - RIGHT, HEIGHT - 12, spanMillis / 1000));
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** Writes {@link #svg} to {@code file}. */
    public static void write(Path file, String title, List<RunSample> samples, List<Fault> faults, Instant runEnd) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, svg(title, samples, faults, runEnd), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the timeline " + file + ": " + e.getMessage(), e);
        }
    }

    private record Scale(Instant from, long spanMillis) {
        double of(Instant at) {
            return LEFT + (WIDTH - LEFT - RIGHT) * (double) Duration.between(from, at).toMillis() / spanMillis;
        }
    }

    private static void panel(StringBuilder svg, String name, int top, double max, Scale x, List<RunSample> samples,
                              java.util.function.ToDoubleFunction<RunSample> value, String series, String colour) {
        int bottom = top + PANEL;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#999\"/>\n", LEFT, top, WIDTH - LEFT - RIGHT, PANEL));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", LEFT - 6,
                top + 10, number(max)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n", LEFT - 6,
                bottom));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 "
                + "%d %d)\">%s</text>\n", 14, top + PANEL / 2, 14, top + PANEL / 2, escape(name)));
        StringBuilder points = new StringBuilder();
        for (RunSample sample : samples) {
            double y = bottom - PANEL * Math.max(0, value.applyAsDouble(sample)) / max;
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.of(sample.at()), y));
        }
        svg.append(String.format(Locale.ROOT, "<polyline class=\"series\" data-series=\"%s\" fill=\"none\" "
                + "stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>\n", series, colour, points.toString().strip()));
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
