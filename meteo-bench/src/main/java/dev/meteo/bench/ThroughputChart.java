package dev.meteo.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A hand-written SVG line chart of records stored per second, one line per mode over its measured period, with each
 * mode's limit as a dashed line of the same colour and the server kill (with {@code --fault}) as a vertical mark.
 */
final class ThroughputChart {

    private static final int WIDTH = 720;
    private static final int HEIGHT = 360;
    private static final int LEFT = 70;
    private static final int RIGHT = 150;
    private static final int TOP = 30;
    private static final int BOTTOM = 45;
    private static final Map<String, String> COLOURS = Map.of("grpc", "#1f77b4", "grpc_batch", "#2ca02c", "rabbit", "#d62728");

    private ThroughputChart() {
    }

    static String svg(Map<String, Object> report) {
        Map<?, ?> modes = (Map<?, ?>) report.get("modes");
        Map<?, ?> limits = (Map<?, ?>) report.get("limits");
        double max = 1;
        int seconds = 1;
        for (Object value : modes.values()) {
            if (value instanceof Map<?, ?> mode) {
                List<?> samples = (List<?>) mode.get("samples_per_s");
                seconds = Math.max(seconds, samples.size());
                for (Object s : samples) {
                    max = Math.max(max, ((Number) s).doubleValue());
                }
            }
        }
        for (Object limit : List.of(String.valueOf(limits.get("grpc_relay_per_s")), String.valueOf(limits.get("rabbit_perftest_per_s")))) {
            try {
                max = Math.max(max, Double.parseDouble((String) limit));
            } catch (NumberFormatException e) {
                // no limit measured
            }
        }
        double top = niceCeiling(max * 1.05);
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\">Records stored per second "
                + "(measured period)</text>%n", LEFT));
        for (int i = 0; i <= 4; i++) {
            double value = top * i / 4;
            double y = TOP + plotH - plotH * i / 4;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    LEFT, y, LEFT + plotW, y));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%,.0f</text>%n",
                    LEFT - 6, y + 4, value));
        }
        for (int s = 0; s <= seconds; s += Math.max(1, seconds / 6)) {
            double x = LEFT + plotW * s / seconds;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d s</text>%n",
                    x, HEIGHT - BOTTOM + 18, s));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>%n",
                LEFT, TOP + plotH, LEFT + plotW, TOP + plotH));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" stroke=\"black\"/>%n",
                LEFT, TOP, LEFT, TOP + plotH));
        int legend = 0;
        for (Map.Entry<?, ?> entry : modes.entrySet()) {
            if (!(entry.getValue() instanceof Map<?, ?> mode)) {
                continue;
            }
            String name = String.valueOf(entry.getKey());
            String colour = COLOURS.getOrDefault(name, "black");
            List<?> samples = (List<?>) mode.get("samples_per_s");
            List<String> points = new ArrayList<>();
            for (int i = 0; i < samples.size(); i++) {
                double x = LEFT + plotW * (i + 1) / seconds;
                double y = TOP + plotH - plotH * ((Number) samples.get(i)).doubleValue() / top;
                points.add(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                    colour, String.join(" ", points)));
            Object limit = limits.get(name.equals("grpc") ? "grpc_relay_per_s" : name.equals("rabbit") ? "rabbit_perftest_per_s" : "");
            if (limit instanceof Number l) {
                double y = TOP + plotH - plotH * l.doubleValue() / top;
                svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                        + "stroke-dasharray=\"6 4\"/>%n", LEFT, y, LEFT + plotW, y, colour));
            }
            if (mode.get("fault") instanceof Map<?, ?> fault && fault.get("killed_at_measure_s") instanceof Number at) {
                double x = LEFT + plotW * at.doubleValue() / seconds;
                svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                        + "stroke-dasharray=\"2 3\"/>%n", x, TOP, x, TOP + plotH, colour));
            }
            double ly = TOP + 10 + legend * 40;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                    + "stroke-width=\"2\"/>%n", LEFT + plotW + 12, ly, LEFT + plotW + 32, ly, colour));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\">%s</text>%n", LEFT + plotW + 38, ly + 4, name));
            if (limit instanceof Number) {
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#555\">dashed: limit</text>%n",
                        LEFT + plotW + 38, ly + 18));
            }
            legend++;
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"#555\">dotted vertical: "
                + "a compute server killed (--fault)</text>%n", LEFT, HEIGHT - 8));
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static double niceCeiling(double value) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= value) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
