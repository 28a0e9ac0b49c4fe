package dev.meteo.model;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Rejects records that cannot be physical readings (rules in {@code docs/formulas.md}): NaN or infinite values,
 * humidity outside 0..100 %, negative CO2, temperature outside -90..60 °C, a missing timestamp, a timestamp more than
 * {@code maxFutureSkew} ahead of the clock, an empty sensor id. Readings outside the detector's accepted range but
 * physical are valid: they score low. Thread-safe.
 */
public final class RecordValidator {

    /** Default tolerance for sensor clocks running ahead of the server's. */
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(5);

    private final Clock clock;
    private final Duration maxFutureSkew;

    public RecordValidator(Clock clock, Duration maxFutureSkew) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxFutureSkew = Objects.requireNonNull(maxFutureSkew, "maxFutureSkew");
    }

    public RecordValidator(Clock clock) {
        this(clock, DEFAULT_MAX_FUTURE_SKEW);
    }

    /** Why the record is invalid, or empty when it is valid. */
    public Optional<String> rejectionReason(SensorRecord record) {
        if (record == null) {
            return Optional.of("record is missing");
        }
        if (record.sensorId() == null || record.sensorId().isBlank()) {
            return Optional.of("sensor id is empty");
        }
        Instant detectedAt = record.detectedAt();
        if (detectedAt == null) {
            return Optional.of("detection timestamp is missing");
        }
        Instant latestAccepted = clock.instant().plus(maxFutureSkew);
        if (detectedAt.isAfter(latestAccepted)) {
            return Optional.of("detection timestamp " + detectedAt + " is more than " + maxFutureSkew.toSeconds()
                    + " s in the future (server time " + clock.instant() + ")");
        }
        if (record instanceof RawMeteoData air) {
            if (!Double.isFinite(air.temperature())) {
                return Optional.of("temperature is not a finite number: " + air.temperature());
            }
            if (air.temperature() < -90 || air.temperature() > 60) {
                return Optional.of("temperature " + air.temperature() + " °C is outside the physical range -90..60 °C");
            }
            if (!Double.isFinite(air.humidity())) {
                return Optional.of("humidity is not a finite number: " + air.humidity());
            }
            if (air.humidity() < 0 || air.humidity() > 100) {
                return Optional.of("humidity " + air.humidity() + " % is outside 0..100 %");
            }
        } else if (record instanceof RawPollutionData pollution && pollution.co2() < 0) {
            return Optional.of("CO2 " + pollution.co2() + " ppm is negative");
        }
        return Optional.empty();
    }

    /** Throws {@link InvalidRecordException} with the reason when the record is invalid. */
    public void validate(SensorRecord record) {
        Optional<String> reason = rejectionReason(record);
        if (reason.isPresent()) {
            throw new InvalidRecordException(record == null ? new RecordId("", -1) : record.id(), reason.get());
        }
    }
}
