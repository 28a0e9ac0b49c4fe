package dev.meteo.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The goals a scale step is held to (the scale issue's): nothing lost, nothing late, detection -> stored p99 at most
 * {@value #LATENCY_P99_MS} ms, window close -> terminal p99 at most {@value #WINDOW_P99_MS} ms, and every role's largest
 * resident set at most {@value #RSS_MB} MB. {@link #check} names each goal a step missed; a figure not measured (no
 * latency sample) misses its goal, since nothing shows it was met.
 */
final class ScaleGoals {

    static final double LATENCY_P99_MS = 1000;
    static final double WINDOW_P99_MS = 250;
    static final double RSS_MB = 256;

    private ScaleGoals() {
    }

    /** {"met": boolean, "missed": ["late 12 > 0", ...], "goals": "..."} for one STEP of the scale JSON. */
    static Map<String, Object> check(Map<?, ?> step) {
        List<String> missed = new ArrayList<>();
        atMost(missed, "lost", step.get("lost"), 0);
        atMost(missed, "late", step.get("late"), 0);
        atMost(missed, "detection -> stored p99 ms", p99(step.get("latency_ms")), LATENCY_P99_MS);
        atMost(missed, "window close -> terminal p99 ms", p99(step.get("window_latency_ms")), WINDOW_P99_MS);
        if (step.get("max_rss_mb_by_role") instanceof Map<?, ?> roles) {
            for (Map.Entry<?, ?> role : roles.entrySet()) {
                atMost(missed, "RSS of a " + role.getKey() + " MB", role.getValue(), RSS_MB);
            }
        } else {
            missed.add("RSS per role not measured");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("met", missed.isEmpty());
        out.put("missed", missed);
        out.put("goals", "0 lost, 0 late, detection -> stored p99 <= " + (long) LATENCY_P99_MS + " ms, window close -> "
                + "terminal p99 <= " + (long) WINDOW_P99_MS + " ms, every role's largest RSS <= " + (long) RSS_MB + " MB");
        return out;
    }

    private static Object p99(Object percentiles) {
        return percentiles instanceof Map<?, ?> map ? map.get("p99") : null;
    }

    private static void atMost(List<String> missed, String what, Object value, double bound) {
        if (!(value instanceof Number number)) {
            missed.add(what + " not measured");
        } else if (number.doubleValue() > bound) {
            missed.add(what + " " + BenchTable.text(number) + " > " + BenchTable.text(bound));
        }
    }
}
