package dev.meteo.formula;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The simulated processing time of one record: uniform in {@code [min, max]}. The reference uses 0.5..3.5 s;
 * benchmarks use {@link #NONE}. Compute nodes wait for it without holding a thread.
 */
public record ProcessingDelay(Duration min, Duration max) {

    public static final ProcessingDelay NONE = new ProcessingDelay(Duration.ZERO, Duration.ZERO);
    public static final ProcessingDelay REFERENCE = new ProcessingDelay(Duration.ofMillis(500), Duration.ofMillis(3500));

    public ProcessingDelay {
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        if (min.isNegative() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("processing delay must satisfy 0 <= min <= max, got " + min + ".." + max);
        }
    }

    public boolean isZero() {
        return max.isZero();
    }

    /** One draw, in nanoseconds. */
    public long nextNanos(RandomGenerator random) {
        long low = min.toNanos();
        long high = max.toNanos();
        return low == high ? low : low + (long) (random.nextDouble() * (high - low));
    }
}
