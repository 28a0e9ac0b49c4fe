package dev.meteo.window;

import java.time.Duration;
import java.util.Objects;

/**
 * A tumbling event-time window, as Kafka Streams' {@code TimeWindows}: windows are epoch-aligned and half-open,
 * window k covers {@code [k*size, (k+1)*size)} of detection time, and closes at {@code (k+1)*size + grace}. A record
 * detected exactly at a window's end belongs to the next window. Times are epoch milliseconds.
 *
 * @param size  Y, the window length (at least 1 ms)
 * @param grace how long after its end a window still accepts records; pick it above the largest processing delay
 */
public record WindowSpec(Duration size, Duration grace) {

    public WindowSpec {
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(grace, "grace");
        if (size.toMillis() < 1) {
            throw new IllegalArgumentException("window size must be at least 1 ms: " + size);
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative: " + grace);
        }
    }

    public static WindowSpec of(Duration size, Duration grace) {
        return new WindowSpec(size, grace);
    }

    public long sizeMillis() {
        return size.toMillis();
    }

    public long graceMillis() {
        return grace.toMillis();
    }

    /** Start of the window containing {@code timeMillis}. */
    public long windowStart(long timeMillis) {
        return Math.floorDiv(timeMillis, sizeMillis()) * sizeMillis();
    }

    /** The first window boundary strictly after {@code timeMillis}: the end of the window containing it. */
    public long windowEnd(long timeMillis) {
        return windowStart(timeMillis) + sizeMillis();
    }

    /** When the window ending at {@code endMillis} closes. */
    public long closeTime(long endMillis) {
        return endMillis + graceMillis();
    }

    /** The latest window boundary whose window has closed by {@code nowMillis}. */
    public long closedHorizonAt(long nowMillis) {
        return windowStart(nowMillis - graceMillis());
    }
}
