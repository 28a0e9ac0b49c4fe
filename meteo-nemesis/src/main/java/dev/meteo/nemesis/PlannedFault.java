package dev.meteo.nemesis;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A fault of a {@link Schedule}: its kind, target and detail, when it starts ({@code at}, from the start of the run)
 * and how long it lasts. What actually happened, with real times, is the {@link Fault} the {@link History} records.
 */
public record PlannedFault(FaultKind kind, String target, Duration at, Duration duration, Map<String, String> detail) {

    public PlannedFault {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        if (at.isNegative() || duration.isNegative()) {
            throw new IllegalArgumentException("a planned fault starts and lasts a non-negative time: " + at + ", "
                    + duration);
        }
        detail = detail == null ? Map.of() : Map.copyOf(new TreeMap<>(detail));
    }

    /** When it ends, from the start of the run. */
    public Duration endsAt() {
        return at.plus(duration);
    }

    /** The fault as it would be if it happened exactly as planned in a run started at {@code runStart}. */
    public Fault at(Instant runStart) {
        return new Fault(kind, target, runStart.plus(at), runStart.plus(endsAt()), detail);
    }

    @Override
    public String toString() {
        return "+" + seconds(at) + " " + kind + " " + target + " for " + seconds(duration)
                + (detail.isEmpty() ? "" : " " + new TreeMap<>(detail));
    }

    private static String seconds(Duration duration) {
        return String.format(java.util.Locale.ROOT, "%.1fs", duration.toMillis() / 1000.0);
    }
}
