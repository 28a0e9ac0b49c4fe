package dev.meteo.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The human summary of a bench report: one column per mode. */
final class BenchTable {

    private BenchTable() {
    }

    static void print(PrintStream out, Map<String, Object> report) {
        Map<?, ?> modes = (Map<?, ?>) report.get("modes");
        Map<?, ?> limits = (Map<?, ?>) report.get("limits");
        Map<?, ?> machine = (Map<?, ?>) report.get("machine");
        List<String> names = new ArrayList<>();
        List<Map<?, ?>> columns = new ArrayList<>();
        for (String name : List.of("grpc", "grpc_batch", "rabbit")) {
            if (modes.get(name) instanceof Map<?, ?> result) {
                names.add(name.equals("grpc") ? "grpc (unary)" : name.equals("grpc_batch") ? "grpc (batch)" : "rabbit");
                columns.add(result);
            }
        }
        out.println();
        out.printf(Locale.ROOT, "Meteo bench (%s CPUs, %s; load average %s at start, %s at end)%n", machine.get("cpus"),
                machine.get("java"), machine.get("load_average_start"), machine.get("load_average_end"));
        out.printf(Locale.ROOT, "  %-34s", "");
        names.forEach(name -> out.printf(Locale.ROOT, " %16s", name));
        out.println();
        row(out, "records/s accepted", columns, m -> m.get("records_per_s"));
        row(out, "records/s stored", columns, m -> m.get("stored_per_s"));
        out.printf(Locale.ROOT, "  %-34s %s%n", "limits: relay hop | PerfTest /s",
                text(limits.get("grpc_relay_per_s")) + " | " + text(limits.get("rabbit_perftest_per_s")));
        row(out, "stored / limit", columns, m -> m.get("ratio_to_limit"));
        row(out, "ceiling: relay hop /s", columns, m -> ceiling(m, "grpc_relay", "grpc_relay_batch"));
        row(out, "ceiling: PerfTest /s", columns, m -> ceiling(m, "rabbit_perftest"));
        row(out, "ceiling: Redis store /s", columns, m -> ceiling(m, "redis_store"));
        row(out, "lowest ceiling", columns, m -> m.get("lowest_ceiling"));
        row(out, "stored / lowest ceiling", columns, m -> m.get("ratio_to_lowest_ceiling"));
        row(out, "batch / unary", columns, m -> m.containsKey("speedup_vs_unary") ? m.get("speedup_vs_unary") : "-");
        for (String p : List.of("p50", "p95", "p99")) {
            row(out, "detection -> stored " + p + " ms", columns, m -> ((Map<?, ?>) m.get("latency_ms")).get(p));
        }
        for (String p : List.of("p50", "p95", "p99")) {
            row(out, "window close -> terminal " + p + " ms", columns, m -> ((Map<?, ?>) m.get("window_latency_ms")).get(p));
        }
        row(out, "sent", columns, m -> m.get("sent"));
        row(out, "lost", columns, m -> m.get("lost"));
        row(out, "late", columns, m -> m.get("late"));
        row(out, "rejected", columns, m -> m.get("rejected"));
        row(out, "accounting holds", columns, m -> m.get("accounting_holds"));
        row(out, "fault: recovery s (80 %)", columns, m -> m.get("fault") instanceof Map<?, ?> f ? f.get("recovery_s") : "-");
        row(out, "fault: lost", columns, m -> m.get("fault") instanceof Map<?, ?> f ? f.get("lost") : "-");
        for (Map.Entry<?, ?> mode : modes.entrySet()) {
            if (mode.getValue() instanceof Map<?, ?> result) {
                out.printf(Locale.ROOT, "  processes (%s): %s%n", mode.getKey(), processes(result));
            }
        }
    }

    /** The first of these stages' ceilings that the path measured, or "-" when it crosses none of them. */
    static Object ceiling(Map<?, ?> mode, String... stages) {
        if (mode.get("ceilings_per_s") instanceof Map<?, ?> ceilings) {
            for (String stage : stages) {
                if (ceilings.containsKey(stage)) {
                    return ceilings.get(stage);
                }
            }
        }
        return "-";
    }

    /** "name cpu% CPU rss MB; ..." of one run's processes. */
    static String processes(Map<?, ?> result) {
        StringBuilder line = new StringBuilder();
        for (Object p : (List<?>) result.get("processes")) {
            Map<?, ?> process = (Map<?, ?>) p;
            line.append(line.length() == 0 ? "" : "; ").append(process.get("name")).append(' ')
                    .append(text(process.get("cpu_percent"))).append("% CPU ").append(text(process.get("rss_mb"))).append(" MB");
        }
        return line.toString();
    }

    interface Field {
        Object of(Map<?, ?> mode);
    }

    static void row(PrintStream out, String label, List<Map<?, ?>> columns, Field field) {
        out.printf(Locale.ROOT, "  %-34s", label);
        columns.forEach(column -> out.printf(Locale.ROOT, " %16s", text(field.of(column))));
        out.println();
    }

    static String text(Object value) {
        if (value == null) {
            return "n/a";
        }
        if (value instanceof Double d) {
            if (Math.abs(d) >= 100) {
                return String.format(Locale.ROOT, "%,.0f", d);
            }
            return new java.math.BigDecimal(String.format(Locale.ROOT, "%.3f", d)).stripTrailingZeros().toPlainString();
        }
        if (value instanceof Long || value instanceof Integer) {
            return String.format(Locale.ROOT, "%,d", ((Number) value).longValue());
        }
        return String.valueOf(value);
    }
}
