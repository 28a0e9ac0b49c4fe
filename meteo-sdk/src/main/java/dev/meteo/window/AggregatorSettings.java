package dev.meteo.window;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link WindowAggregator}.
 *
 * @param window           the tumbling window
 * @param ownerId          this aggregator's id in the lease (unique per process)
 * @param leaseTtl         how long the lease lasts without renewal; a standby takes over this long after a crash
 * @param pollInterval     how often a running aggregator renews its lease and checks for closed windows at most
 * @param retentionWindows closed windows kept in the store before their coefficients are trimmed
 */
public record AggregatorSettings(WindowSpec window, String ownerId, Duration leaseTtl, Duration pollInterval,
                                 int retentionWindows) {

    public AggregatorSettings {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(ownerId, "ownerId");
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (leaseTtl.compareTo(pollInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("leaseTtl must be at least twice pollInterval, or the lease lapses "
                    + "between renewals: " + leaseTtl + " vs " + pollInterval);
        }
        if (retentionWindows < 1) {
            throw new IllegalArgumentException("retentionWindows must be at least 1: " + retentionWindows);
        }
    }

    public static AggregatorSettings of(WindowSpec window, String ownerId) {
        return new AggregatorSettings(window, ownerId, Duration.ofSeconds(5), Duration.ofMillis(200), 10);
    }

    public AggregatorSettings withLease(Duration ttl, Duration poll) {
        return new AggregatorSettings(window, ownerId, ttl, poll, retentionWindows);
    }

    public AggregatorSettings withRetentionWindows(int windows) {
        return new AggregatorSettings(window, ownerId, leaseTtl, pollInterval, windows);
    }
}
