package dev.meteo.window;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link WindowAggregator}.
 *
 * @param window           the tumbling window
 * @param ownerId          this aggregator's id (a proxy id); the lease owner is this id plus a per-instance nonce, so
 *                         two processes given the same id never both hold the lease
 * @param leaseTtl         how long the lease lasts without renewal; a standby takes over this long after a crash
 * @param pollInterval     how often a running aggregator renews its lease and checks for closed windows at most; a
 *                         standby or a leader in trouble waits this long (or longer, backing off) between steps
 * @param retentionWindows closed windows whose statistics the store keeps (for inspection); it also floors how far
 *                         back the first aggregator of a deployment starts (older stored records count as late), and
 *                         how long the identity of a rejected message without a sensor is kept. Records' identities
 *                         do not depend on it: a sensor's are kept for good
 * @param resultRetention  how long the results of closed windows are kept, for terminals that missed them
 * @param sensorIdle       after how long without a classified record a sensor is retired: its identities shrink to
 *                         one range, its holes given up (see {@code docs/redis-keys.md})
 */
public record AggregatorSettings(WindowSpec window, String ownerId, Duration leaseTtl, Duration pollInterval,
                                 int retentionWindows, Duration resultRetention, Duration sensorIdle) {

    public static final int DEFAULT_RETENTION_WINDOWS = 30;
    public static final Duration DEFAULT_RESULT_RETENTION = Duration.ofHours(1);
    /** Far longer than any retry, redelivery or pause a record can go through before it is stored. */
    public static final Duration DEFAULT_SENSOR_IDLE = Duration.ofHours(24);

    public AggregatorSettings {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(ownerId, "ownerId");
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(resultRetention, "resultRetention");
        Objects.requireNonNull(sensorIdle, "sensorIdle");
        if (leaseTtl.compareTo(pollInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("leaseTtl must be at least twice pollInterval, or the lease lapses "
                    + "between renewals: " + leaseTtl + " vs " + pollInterval);
        }
        if (retentionWindows < 1) {
            throw new IllegalArgumentException("retentionWindows must be at least 1: " + retentionWindows);
        }
    }

    /**
     * A 5 s lease renewed every 200 ms, statistics kept for {@value #DEFAULT_RETENTION_WINDOWS} windows, results for
     * an hour, sensors retired after a day without a record.
     */
    public static AggregatorSettings of(WindowSpec window, String ownerId) {
        return new AggregatorSettings(window, ownerId, Duration.ofSeconds(5), Duration.ofMillis(200),
                DEFAULT_RETENTION_WINDOWS, DEFAULT_RESULT_RETENTION, DEFAULT_SENSOR_IDLE);
    }

    public AggregatorSettings withLease(Duration ttl, Duration poll) {
        return new AggregatorSettings(window, ownerId, ttl, poll, retentionWindows, resultRetention, sensorIdle);
    }

    public AggregatorSettings withRetentionWindows(int windows) {
        return new AggregatorSettings(window, ownerId, leaseTtl, pollInterval, windows, resultRetention, sensorIdle);
    }

    public AggregatorSettings withResultRetention(Duration retention) {
        return new AggregatorSettings(window, ownerId, leaseTtl, pollInterval, retentionWindows, retention, sensorIdle);
    }

    public AggregatorSettings withSensorIdle(Duration idle) {
        return new AggregatorSettings(window, ownerId, leaseTtl, pollInterval, retentionWindows, resultRetention, idle);
    }

    /** How long statistics of closed windows are kept: {@link #retentionWindows()} windows. */
    public Duration retention() {
        return Duration.ofMillis(retentionWindows * window.sizeMillis());
    }
}
