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

    /**
     * Why a record is invalid.
     *
     * @param field  what is wrong, one of a few fixed words ({@code record}, {@code sensor_id}, {@code timestamp},
     *               {@code temperature}, {@code humidity}, {@code co2}): a bounded label for counting rejections
     * @param reason the sentence a human reads, with the offending value
     */
    public record Rejection(String field, String reason) {

        /** Every {@link #field()} a rejection can name. */
        public static final java.util.List<String> FIELDS =
                java.util.List.of("record", "sensor_id", "timestamp", "temperature", "humidity", "co2");
    }

    /** Why the record is invalid, or empty when it is valid. */
    public Optional<String> rejectionReason(SensorRecord record) {
        return rejection(record).map(Rejection::reason);
    }

    /** Why the record is invalid, with the field at fault, or empty when it is valid. */
    public Optional<Rejection> rejection(SensorRecord record) {
        if (record == null) {
            return reject("record", "record is missing");
        }
        if (record.sensorId() == null || record.sensorId().isBlank()) {
            return reject("sensor_id", "sensor id is empty");
        }
        Instant detectedAt = record.detectedAt();
        if (detectedAt == null) {
            return reject("timestamp", "detection timestamp is missing");
        }
        Instant latestAccepted = clock.instant().plus(maxFutureSkew);
        if (detectedAt.isAfter(latestAccepted)) {
            return reject("timestamp", "detection timestamp " + detectedAt + " is more than " + maxFutureSkew.toSeconds()
                    + " s in the future (server time " + clock.instant() + ")");
        }
        if (record instanceof RawMeteoData air) {
            if (!Double.isFinite(air.temperature())) {
                return reject("temperature", "temperature is not a finite number: " + air.temperature());
            }
            if (air.temperature() < -90 || air.temperature() > 60) {
                return reject("temperature", "temperature " + air.temperature() + " °C is outside the physical range -90..60 °C");
            }
            if (!Double.isFinite(air.humidity())) {
                return reject("humidity", "humidity is not a finite number: " + air.humidity());
            }
            if (air.humidity() < 0 || air.humidity() > 100) {
                return reject("humidity", "humidity " + air.humidity() + " % is outside 0..100 %");
            }
        } else if (record instanceof RawPollutionData pollution && pollution.co2() < 0) {
            return reject("co2", "CO2 " + pollution.co2() + " ppm is negative");
        }
        return Optional.empty();
    }

    private static Optional<Rejection> reject(String field, String reason) {
        return Optional.of(new Rejection(field, reason));
    }

    /** Throws {@link InvalidRecordException} with the reason when the record is invalid. */
    public void validate(SensorRecord record) {
        Optional<String> reason = rejectionReason(record);
        if (reason.isPresent()) {
            throw new InvalidRecordException(record == null ? new RecordId("", -1) : record.id(), reason.get());
        }
    }
}
