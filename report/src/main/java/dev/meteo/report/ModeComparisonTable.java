package dev.meteo.report;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Markdown table {@code {{bench-table:modes}}} expands to: one column per mode in {@code modes} (in the order of
 * the results), one row per figure (throughput, transport limit and ratio to it, latencies, accounting, fault
 * recovery). Every cell comes from the results; a missing figure fails the build with its path.
 */
final class ModeComparisonTable {
    /**
     * The transport limit each mode is compared with, measured in the same run; the batched direct mode is compared
     * with the same one-record-per-call relay hop as the unary one, which is the limit batching goes past.
     */
    private static final Map<String, String> LIMIT_OF_MODE = Map.of(
            "grpc", "limits.grpc_relay_per_s",
            "grpc_batch", "limits.grpc_relay_per_s",
            "rabbit", "limits.rabbit_perftest_per_s");
    private static final Map<String, String> MODE_TITLE = Map.of(
            "grpc", "direct (gRPC)",
            "grpc_batch", "direct, batched (gRPC)",
            "rabbit", "indirect (RabbitMQ)");

    private record Row(String label, Function<String, String> cell) {
    }

    private ModeComparisonTable() {
    }

    static String render(BenchResults results) {
        Object modes = results.lookup("modes");
        if (!(modes instanceof Map<?, ?> modeMap) || modeMap.isEmpty()) {
            throw new ReportException("needs a non-empty object 'modes' in the results");
        }
        // a mode not run is null in the results: no column
        List<String> names = modeMap.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> String.valueOf(e.getKey())).toList();
        Cells c = new Cells(results);
        List<Row> rows = List.of(
                new Row("records accepted per second", m -> c.number(m, "records_per_s", "%,.0f")),
                new Row("records stored per second", m -> c.number(m, "stored_per_s", "%,.0f")),
                new Row("transport limit per second", c::limit),
                new Row("ratio to the limit", m -> c.percent(m, "ratio_to_limit")),
                new Row("latency detection to stored, p50 (ms)", m -> c.number(m, "latency_ms.p50", "%,.1f")),
                new Row("latency detection to stored, p95 (ms)", m -> c.number(m, "latency_ms.p95", "%,.1f")),
                new Row("latency detection to stored, p99 (ms)", m -> c.number(m, "latency_ms.p99", "%,.1f")),
                new Row("window close to terminal, p95 (ms)", m -> c.number(m, "window_latency_ms.p95", "%,.1f")),
                new Row("records sent", m -> c.number(m, "sent", "%,d")),
                new Row("lost / late / rejected", m -> c.number(m, "lost", "%,d") + " / "
                        + c.number(m, "late", "%,d") + " / " + c.number(m, "rejected", "%,d")),
                new Row("accounting holds", m -> c.yesNo(m, "accounting_holds")),
                new Row("server killed: throughput recovered in (s)", m -> c.fault(m, "recovery_s", "%,.1f")),
                new Row("server killed: lost", m -> c.fault(m, "lost", "%,d")));

        StringBuilder table = new StringBuilder();
        table.append("| figure |");
        names.forEach(n -> table.append(' ').append(MODE_TITLE.getOrDefault(n, n)).append(" |"));
        table.append("\n|:---|");
        names.forEach(n -> table.append("---:|"));
        table.append('\n');
        for (Row row : rows) {
            table.append("| ").append(row.label()).append(" |");
            for (String mode : names) {
                table.append(' ').append(row.cell().apply(mode)).append(" |");
            }
            table.append('\n');
        }
        table.append("\nTable: Both modes in the same run of `meteo bench`; each limit is the bare transport measured"
                + " on the same machine in that run.\n");
        return table.toString();
    }

    /** Cell renderers; each names the path it read when the figure is missing. */
    private record Cells(BenchResults results) {
        String number(String mode, String field, String format) {
            return BenchResults.format(results.lookup("modes." + mode + "." + field), format);
        }

        String percent(String mode, String field) {
            Object ratio = results.lookup("modes." + mode + "." + field);
            if (!(ratio instanceof BigDecimal r)) {
                throw new ReportException("modes." + mode + "." + field + " is not a number");
            }
            return BenchResults.format(r.movePointRight(2), "%.0f") + " %";
        }

        String limit(String mode) {
            String path = LIMIT_OF_MODE.get(mode);
            return path == null ? "n/a" : BenchResults.format(results.lookup(path), "%,.0f");
        }

        String yesNo(String mode, String field) {
            Object value = results.lookup("modes." + mode + "." + field);
            return Boolean.TRUE.equals(value) ? "yes" : "**no**";
        }

        String fault(String mode, String field, String format) {
            Object fault = results.lookup("modes." + mode + ".fault");
            if (fault == null) {
                return "not run";
            }
            if (results.lookup("modes." + mode + ".fault." + field) == null) {
                return "not within the run"; // e.g. recovery_s: the rate stayed below its mark until the end
            }
            return number(mode, "fault." + field, format);
        }
    }
}
