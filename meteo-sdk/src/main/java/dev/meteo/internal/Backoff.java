package dev.meteo.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: the wait before retry number {@code attempt} (0 for the first retry) is a random
 * value between half and all of {@code min(max, initial * 2^attempt)}, so that clients retrying together spread out.
 *
 * @param initial the ceiling of the first wait (at least 1 ms)
 * @param max     the largest ceiling
 */
public record Backoff(Duration initial, Duration max) {

    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.toMillis() < 1 || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 1 ms <= initial <= max: " + initial + ", " + max);
        }
    }

    /** The wait before retry number {@code attempt}, in milliseconds. */
    public long delayMillis(int attempt) {
        long ceiling = Math.min(max.toMillis(), initial.toMillis() << Math.min(Math.max(attempt, 0), 30));
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }
}
