package dev.meteo.sensor;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one {@link Sensor}.
 *
 * @param id          sensor id, unique in a deployment
 * @param type        air or pollution
 * @param interval    time between two readings; {@code 0} emits as fast as the in-flight bound allows (benchmarks)
 * @param maxInFlight records handed to the transport and not yet confirmed, at most {@value #MAX_IN_FLIGHT}; when
 *                    full, a scheduled reading is skipped (never generated, so never counted as sent) and counted in
 *                    {@link Sensor.Stats#skipped()}
 * @param seed        seed of the detector's random source, or {@code null} for a random one
 */
public record SensorSettings(String id, SensorType type, Duration interval, int maxInFlight, Long seed) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    public static final int DEFAULT_MAX_IN_FLIGHT = 1024;
    /**
     * The most records a sensor may have in flight. Each one that overtakes another leaves a hole in the store's
     * record of the sensor's sequences until the other arrives, and the store keeps a bounded number of holes per
     * sensor (16,384 in Redis): this bound keeps a sensor's holes well under it.
     */
    public static final int MAX_IN_FLIGHT = 8192;

    public SensorSettings {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(interval, "interval");
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("sensor id must not be empty");
        }
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval must not be negative: " + interval);
        }
        if (maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT) {
            throw new IllegalArgumentException("maxInFlight must be in 1.." + MAX_IN_FLIGHT + " (the store keeps a "
                    + "bounded number of out-of-order sequences per sensor): " + maxInFlight);
        }
    }

    public static SensorSettings of(String id, SensorType type) {
        return new SensorSettings(id, type, DEFAULT_INTERVAL, DEFAULT_MAX_IN_FLIGHT, null);
    }

    public SensorSettings withInterval(Duration newInterval) {
        return new SensorSettings(id, type, newInterval, maxInFlight, seed);
    }

    public SensorSettings withMaxInFlight(int newMaxInFlight) {
        return new SensorSettings(id, type, interval, newMaxInFlight, seed);
    }

    public SensorSettings withSeed(long newSeed) {
        return new SensorSettings(id, type, interval, maxInFlight, newSeed);
    }
}
