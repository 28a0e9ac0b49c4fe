package dev.meteo.cli.bench;

import java.io.PrintStream;
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
        Map<?, ?> grpc = (Map<?, ?>) modes.get("grpc");
        Map<?, ?> rabbit = (Map<?, ?>) modes.get("rabbit");
        Map<?, ?> machine = (Map<?, ?>) report.get("machine");
        out.println();
        out.printf(Locale.ROOT, "Meteo bench (%s CPUs, %s; load average %s at start, %s at end)%n", machine.get("cpus"),
                machine.get("java"), machine.get("load_average_start"), machine.get("load_average_end"));
        out.printf(Locale.ROOT, "  %-34s %16s %16s%n", "", "grpc (direct)", "rabbit (indirect)");
        row(out, "records/s accepted", grpc, rabbit, m -> m.get("records_per_s"));
        row(out, "records/s stored", grpc, rabbit, m -> m.get("stored_per_s"));
        out.printf(Locale.ROOT, "  %-34s %16s %16s%n", "limit (relay hop | PerfTest) /s",
                text(limits.get("grpc_relay_per_s")), text(limits.get("rabbit_perftest_per_s")));
        row(out, "stored / limit", grpc, rabbit, m -> m.get("ratio_to_limit"));
        for (String p : List.of("p50", "p95", "p99")) {
            row(out, "detection -> stored " + p + " ms", grpc, rabbit, m -> ((Map<?, ?>) m.get("latency_ms")).get(p));
        }
        for (String p : List.of("p50", "p95", "p99")) {
            row(out, "window close -> terminal " + p + " ms", grpc, rabbit, m -> ((Map<?, ?>) m.get("window_latency_ms")).get(p));
        }
        row(out, "sent", grpc, rabbit, m -> m.get("sent"));
        row(out, "lost", grpc, rabbit, m -> m.get("lost"));
        row(out, "late", grpc, rabbit, m -> m.get("late"));
        row(out, "rejected", grpc, rabbit, m -> m.get("rejected"));
        row(out, "accounting holds", grpc, rabbit, m -> m.get("accounting_holds"));
        row(out, "fault: recovery s (80 %)", grpc, rabbit, m -> m.get("fault") instanceof Map<?, ?> f ? f.get("recovery_s") : "-");
        row(out, "fault: lost", grpc, rabbit, m -> m.get("fault") instanceof Map<?, ?> f ? f.get("lost") : "-");
        for (Map.Entry<?, ?> mode : modes.entrySet()) {
            if (mode.getValue() instanceof Map<?, ?> result) {
                out.printf(Locale.ROOT, "  processes (%s): ", mode.getKey());
                StringBuilder line = new StringBuilder();
                for (Object p : (List<?>) result.get("processes")) {
                    Map<?, ?> process = (Map<?, ?>) p;
                    line.append(line.length() == 0 ? "" : "; ").append(process.get("name")).append(' ')
                            .append(text(process.get("cpu_percent"))).append("% CPU ").append(text(process.get("rss_mb"))).append(" MB");
                }
                out.println(line);
            }
        }
    }

    private interface Field {
        Object of(Map<?, ?> mode);
    }

    private static void row(PrintStream out, String label, Map<?, ?> grpc, Map<?, ?> rabbit, Field field) {
        out.printf(Locale.ROOT, "  %-34s %16s %16s%n", label, grpc == null ? "-" : text(field.of(grpc)),
                rabbit == null ? "-" : text(field.of(rabbit)));
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
