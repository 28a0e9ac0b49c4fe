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
 * @param retentionWindows closed windows kept in the store before their coefficients are trimmed; it also floors how
 *                         far back the first aggregator of a deployment starts (older stored records count as late)
 * @param resultRetention  how long the results of closed windows are kept, for terminals that missed them
 */
public record AggregatorSettings(WindowSpec window, String ownerId, Duration leaseTtl, Duration pollInterval,
                                 int retentionWindows, Duration resultRetention) {

    public static final int DEFAULT_RETENTION_WINDOWS = 30;
    public static final Duration DEFAULT_RESULT_RETENTION = Duration.ofHours(1);

    public AggregatorSettings {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(ownerId, "ownerId");
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(resultRetention, "resultRetention");
        if (leaseTtl.compareTo(pollInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("leaseTtl must be at least twice pollInterval, or the lease lapses "
                    + "between renewals: " + leaseTtl + " vs " + pollInterval);
        }
        if (retentionWindows < 1) {
            throw new IllegalArgumentException("retentionWindows must be at least 1: " + retentionWindows);
        }
    }

    /** A 5 s lease renewed every 200 ms, coefficients kept for {@value #DEFAULT_RETENTION_WINDOWS} windows, results for an hour. */
    public static AggregatorSettings of(WindowSpec window, String ownerId) {
        return new AggregatorSettings(window, ownerId, Duration.ofSeconds(5), Duration.ofMillis(200),
                DEFAULT_RETENTION_WINDOWS, DEFAULT_RESULT_RETENTION);
    }

    public AggregatorSettings withLease(Duration ttl, Duration poll) {
        return new AggregatorSettings(window, ownerId, ttl, poll, retentionWindows, resultRetention);
    }

    public AggregatorSettings withRetentionWindows(int windows) {
        return new AggregatorSettings(window, ownerId, leaseTtl, pollInterval, windows, resultRetention);
    }

    public AggregatorSettings withResultRetention(Duration retention) {
        return new AggregatorSettings(window, ownerId, leaseTtl, pollInterval, retentionWindows, retention);
    }
}
