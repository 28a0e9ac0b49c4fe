package dev.meteo.nemesis;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The deployment's health at one moment of a run, as the launcher samples it (every second or so): the rate at which
 * records reach the windows, and how far behind the windows are (the time since the newest window at the reference
 * terminal became due, {@code end + grace}; zero or less when it is on time).
 */
public record RunSample(Instant at, double recordsPerSecond, Duration windowLag) {

    public RunSample {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(windowLag, "windowLag");
        if (!(recordsPerSecond >= 0)) {
            throw new IllegalArgumentException("records per second must be a non-negative number: " + recordsPerSecond);
        }
    }
}
