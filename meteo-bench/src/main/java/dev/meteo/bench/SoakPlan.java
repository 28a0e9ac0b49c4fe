package dev.meteo.bench;

import java.time.Duration;

/**
 * A soak run's extras: how often to sample what the run leaves behind, the proxy's retention (shorter than the default
 * to see the trim within minutes), and the hostile input the sensors send (every N-th reading invalid or an hour
 * late), which the late and rejected identities must not let grow without bound.
 *
 * @param every            time between two samples
 * @param retentionWindows {@code meteo proxy --retention}, or 0 for its default
 * @param invalidEvery     {@code meteo sensor --invalid-every}
 * @param lateEvery        {@code meteo sensor --late-every}
 * @param resultRetention  {@code meteo proxy --result-retention}: shorter than the run, or the saved results grow
 *                         through all of it
 */
record SoakPlan(Duration every, int retentionWindows, int invalidEvery, int lateEvery, Duration resultRetention) {

    SoakPlan {
        if (every.toSeconds() < 1) {
            throw new IllegalArgumentException("--soak-every must be 1s or more");
        }
    }
}
