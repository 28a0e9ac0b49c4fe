package dev.meteo.nemesis;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One fault as it happened: its kind, the process (or node, or host) it struck, when it started and when it ended,
 * and what else describes it ({@code detail}: e.g. {@code offset-ms} of a clock offset, {@code delay-ms} of a slow
 * link). {@code end} is {@code null} for a fault the history saw start and not end (the run stopped first).
 */
public record Fault(FaultKind kind, String target, Instant start, Instant end, Map<String, String> detail) {

    /** The detail key of a clock offset, in milliseconds, negative when behind. */
    public static final String OFFSET_MILLIS = "offset-ms";
    /** The detail key of a slow link's delay per chunk, in milliseconds. */
    public static final String DELAY_MILLIS = "delay-ms";

    public Fault {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(start, "start");
        if (end != null && end.isBefore(start)) {
            throw new IllegalArgumentException("fault " + kind + " on " + target + " ends (" + end
                    + ") before it starts (" + start + ")");
        }
        detail = detail == null ? Map.of() : Map.copyOf(new TreeMap<>(detail));
    }

    /** Whether the history saw it end. */
    public boolean ended() {
        return end != null;
    }

    /** Its end, or {@code otherwise} when it did not end (the end of the run, for a fault still going). */
    public Instant endOr(Instant otherwise) {
        return end != null ? end : otherwise;
    }

    /** How long it lasted, up to {@code otherwise} when it did not end. */
    public Duration duration(Instant otherwise) {
        return Duration.between(start, endOr(otherwise));
    }

    /** A detail read as a number, or {@code absent} when it has none. */
    public long detailLong(String key, long absent) {
        String value = detail.get(key);
        return value == null ? absent : Long.parseLong(value);
    }

    /**
     * Whether this fault can explain records made late under a grace of {@code grace}: a fault that can hold records
     * on their way to the store and lasted longer than the grace, or a clock offset that put a sensor further behind
     * than the grace (its records are late by design). A short fault is retried around within the grace.
     */
    public boolean explainsLateBy(Duration grace, Instant runEnd) {
        if (kind == FaultKind.CLOCK_OFFSET) {
            return -detailLong(OFFSET_MILLIS, 0) > grace.toMillis();
        }
        return kind.delaysStorage() && duration(runEnd).compareTo(grace) > 0;
    }

    /** {@code kind target [start, end)}, for logs and verdicts. */
    @Override
    public String toString() {
        return kind + " " + target + " [" + start + ", " + (end == null ? "not ended" : end) + ")"
                + (detail.isEmpty() ? "" : " " + detail);
    }
}
