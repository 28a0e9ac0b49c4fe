package dev.meteo.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The human summary of a scale run: per mode, one column per step (sensors). */
final class ScaleTable {

    private ScaleTable() {
    }

    static void print(PrintStream out, Map<String, Object> report) {
        Map<?, ?> machine = (Map<?, ?>) report.get("machine");
        out.println();
        out.printf(Locale.ROOT, "Meteo scale bench (%s CPUs, %s; load average %s at start, %s at end)%n",
                machine.get("cpus"), machine.get("java"), machine.get("load_average_start"), machine.get("load_average_end"));
        for (Map.Entry<?, ?> mode : ((Map<?, ?>) report.get("scale")).entrySet()) {
            List<Map<?, ?>> steps = new ArrayList<>();
            for (Object step : (List<?>) mode.getValue()) {
                steps.add((Map<?, ?>) step);
            }
            out.printf(Locale.ROOT, "  %s%n", mode.getKey());
            BenchTable.row(out, "sensors", steps, m -> m.get("sensors"));
            BenchTable.row(out, "sensor processes", steps, m -> m.get("sensor_processes"));
            BenchTable.row(out, "records/s offered", steps, m -> m.get("offered_per_s"));
            BenchTable.row(out, "records/s stored", steps, m -> m.get("stored_per_s"));
            for (String p : List.of("p50", "p99")) {
                BenchTable.row(out, "detection -> stored " + p + " ms", steps, m -> ((Map<?, ?>) m.get("latency_ms")).get(p));
            }
            BenchTable.row(out, "window close -> terminal p99 ms", steps,
                    m -> ((Map<?, ?>) m.get("window_latency_ms")).get("p99"));
            BenchTable.row(out, "lost", steps, m -> m.get("lost"));
            BenchTable.row(out, "late", steps, m -> m.get("late"));
            BenchTable.row(out, "accounting holds", steps, m -> m.get("accounting_holds"));
            BenchTable.row(out, "largest RSS of a role, MB", steps, ScaleTable::largestRoleRss);
            for (String role : List.of("sensor", "server", "terminal", "proxy", "lb")) {
                if (steps.stream().anyMatch(m -> m.get("max_rss_mb_by_role") instanceof Map<?, ?> r && r.containsKey(role))) {
                    BenchTable.row(out, "  RSS of a " + role + ", MB", steps,
                            m -> m.get("max_rss_mb_by_role") instanceof Map<?, ?> r ? r.get(role) : null);
                }
            }
            if (steps.stream().anyMatch(m -> m.containsKey("ratio_to_lowest_ceiling"))) {
                BenchTable.row(out, "ceiling: relay hop /s", steps, m -> BenchTable.ceiling(m, "grpc_relay_batch"));
                BenchTable.row(out, "ceiling: PerfTest /s", steps, m -> BenchTable.ceiling(m, "rabbit_perftest"));
                BenchTable.row(out, "ceiling: Redis store /s", steps, m -> BenchTable.ceiling(m, "redis_store"));
                BenchTable.row(out, "stored / lowest ceiling", steps, m -> m.get("ratio_to_lowest_ceiling"));
            }
            BenchTable.row(out, "records per message", steps, m -> m.get("records_per_message"));
            BenchTable.row(out, "load average 1m start|end", steps, m -> first(m.get("load_average_start_of_measure"))
                    + "|" + first(m.get("load_average_end_of_measure")));
            BenchTable.row(out, "goals met", steps, m -> m.get("goals") instanceof Map<?, ?> g ? g.get("met") : null);
            BenchTable.row(out, "Redis: this run's keys, MB", steps,
                    m -> ((Map<?, ?>) m.get("redis_memory")).get("prefix_memory_mb"));
            for (Map<?, ?> step : steps) {
                if (step.get("goals") instanceof Map<?, ?> goals && !((List<?>) goals.get("missed")).isEmpty()) {
                    out.printf(Locale.ROOT, "    %s sensors MISSED: %s%n", step.get("sensors"),
                            String.join("; ", ((List<?>) goals.get("missed")).stream().map(String::valueOf).toList()));
                }
            }
            for (Map<?, ?> step : steps) {
                out.printf(Locale.ROOT, "    processes (%s sensors): %s%n", step.get("sensors"), BenchTable.processes(step));
            }
        }
    }

    private static Object first(Object loadAverage) {
        return loadAverage instanceof List<?> values && !values.isEmpty() ? values.get(0) : "n/a";
    }

    /** The largest resident set among the pipeline's own processes (not the shared Redis and broker). */
    static Object largestRoleRss(Map<?, ?> step) {
        double largest = 0;
        for (Object p : (List<?>) step.get("processes")) {
            Map<?, ?> process = (Map<?, ?>) p;
            if (!String.valueOf(process.get("name")).contains("(shared)") && process.get("rss_mb") instanceof Number rss) {
                largest = Math.max(largest, rss.doubleValue());
            }
        }
        return largest;
    }
}
