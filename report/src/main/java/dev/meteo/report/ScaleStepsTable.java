package dev.meteo.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Markdown table {@code {{scale-table:MODE}}} expands to: the steps of one mode of a {@code meteo bench scale}
 * run ({@code scale.MODE}, a list), one column per step (its sensor count), one row per figure: offered and stored
 * records per second, latencies, lost and late, the accounting, the largest resident set of a role of the pipeline
 * (not the shared Redis and broker), the busiest process and Redis's memory. A missing figure fails the build.
 */
final class ScaleStepsTable {

    private static final Map<String, String> MODE_TITLE = Map.of("grpc", "direct (gRPC, batched)", "rabbit", "indirect (RabbitMQ)");

    private record Row(String label, Function<Map<?, ?>, String> cell) {
    }

    private ScaleStepsTable() {
    }

    static String render(BenchResults scale, String mode) {
        Object stepsNode = scale.lookup("scale." + mode);
        if (!(stepsNode instanceof List<?> stepList) || stepList.isEmpty()) {
            throw new ReportException("needs a non-empty list scale." + mode + " in " + scale.source());
        }
        List<Map<?, ?>> steps = new ArrayList<>();
        for (Object step : stepList) {
            if (!(step instanceof Map<?, ?> map)) {
                throw new ReportException("scale." + mode + " holds something other than steps");
            }
            steps.add(map);
        }
        List<Row> rows = List.of(
                new Row("records offered per second", s -> number(s, "offered_per_s", "%,.0f")),
                new Row("records stored per second", s -> number(s, "stored_per_s", "%,.0f")),
                new Row("latency detection to stored, p50 (ms)", s -> number(s, "latency_ms.p50", "%,.0f")),
                new Row("latency detection to stored, p99 (ms)", s -> number(s, "latency_ms.p99", "%,.0f")),
                new Row("window close to terminal, p99 (ms)", s -> number(s, "window_latency_ms.p99", "%,.0f")),
                new Row("lost / late", s -> number(s, "lost", "%,d") + " / " + number(s, "late", "%,d")),
                new Row("accounting holds", s -> Boolean.TRUE.equals(value(s, "accounting_holds")) ? "yes" : "**no**"),
                new Row("largest RSS of a role (MB)", ScaleStepsTable::largestRoleRss),
                new Row("busiest process (% of a CPU)", ScaleStepsTable::busiest),
                new Row("Redis memory of the run (MB)", s -> number(s, "redis_memory.prefix_memory_mb", "%,.1f")));

        StringBuilder table = new StringBuilder("| sensors |");
        steps.forEach(s -> table.append(' ').append(number(s, "sensors", "%,d")).append(" |"));
        table.append("\n|:---|");
        steps.forEach(s -> table.append("---:|"));
        table.append('\n');
        for (Row row : rows) {
            table.append("| ").append(row.label()).append(" |");
            steps.forEach(s -> table.append(' ').append(row.cell().apply(s)).append(" |"));
            table.append('\n');
        }
        table.append("\nTable: ").append(MODE_TITLE.getOrDefault(mode, mode))
                .append(", each sensor one reading per interval, all roles separate processes (`meteo bench scale`).\n");
        return table.toString();
    }

    private static Object value(Map<?, ?> step, String path) {
        Object node = step;
        for (String name : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> map) || !map.containsKey(name)) {
                throw new ReportException("a scale step has no " + path);
            }
            node = map.get(name);
        }
        return node;
    }

    private static String number(Map<?, ?> step, String path, String format) {
        return BenchResults.format(value(step, path), format);
    }

    private static List<Map<?, ?>> processes(Map<?, ?> step) {
        List<Map<?, ?>> processes = new ArrayList<>();
        for (Object p : (List<?>) value(step, "processes")) {
            processes.add((Map<?, ?>) p);
        }
        return processes;
    }

    private static String largestRoleRss(Map<?, ?> step) {
        BigDecimal largest = BigDecimal.ZERO;
        for (Map<?, ?> process : processes(step)) {
            if (!String.valueOf(process.get("name")).contains("(shared)") && process.get("rss_mb") instanceof BigDecimal rss) {
                largest = largest.max(rss);
            }
        }
        return BenchResults.format(largest, "%,.0f");
    }

    private static String busiest(Map<?, ?> step) {
        Map<?, ?> busiest = null;
        for (Map<?, ?> process : processes(step)) {
            if (process.get("cpu_percent") instanceof BigDecimal cpu
                    && (busiest == null || cpu.compareTo((BigDecimal) busiest.get("cpu_percent")) > 0)) {
                busiest = process;
            }
        }
        return busiest == null ? "n/a"
                : busiest.get("name") + " " + BenchResults.format(busiest.get("cpu_percent"), "%,.0f");
    }
}
