package dev.meteo.model;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Rejects records that cannot be physical readings (rules in {@code docs/formulas.md}): NaN or infinite values,
 * humidity outside 0..100 %, negative CO2, temperature outside -90..60 °C, an empty sensor id or one longer than
 * {@value #MAX_SENSOR_ID_LENGTH} characters, a missing timestamp, a timestamp before {@link #EARLIEST_DETECTION_TIME}
 * or more than {@code maxFutureSkew} ahead of the clock. Readings outside the detector's accepted range but physical
 * are valid: they score low.
 *
 * <p>Total: any record, whatever its values (extreme instants such as {@link Instant#MIN} and {@link Instant#MAX},
 * NaN, huge strings), gets a verdict and never an exception. A valid record's detection time fits epoch
 * milliseconds, the unit the store keeps. Thread-safe.
 */
public final class RecordValidator {

    /** Default tolerance for sensor clocks running ahead of the server's. */
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(5);

    /**
     * The earliest detection time accepted, 2000-01-01T00:00:00Z. Fixed rather than relative to the server's clock so
     * that a record's verdict does not depend on when it arrives: a copy retried a day later is judged like the
     * original. No Meteo sensor read anything before 2000; such a time is a sensor clock that was never set (1970
     * after a battery loss, 1980 from a GPS epoch).
     */
    public static final Instant EARLIEST_DETECTION_TIME = Instant.parse("2000-01-01T00:00:00Z");

    /**
     * The longest sensor id accepted, in characters: an id is part of the keys the store keeps for the sensor. Far
     * above the launcher's default ids (role, host name of at most 253 characters, pid, a suffix).
     */
    public static final int MAX_SENSOR_ID_LENGTH = 1024;

    /** The latest instant epoch milliseconds can hold: whatever the skew setting, a valid time fits the store's unit. */
    private static final Instant LATEST_IN_EPOCH_MILLIS = Instant.ofEpochMilli(Long.MAX_VALUE);

    private final Clock clock;
    private final Duration maxFutureSkew;

    /**
     * @param clock         the server's clock, against which the future bound is measured
     * @param maxFutureSkew how far ahead of {@code clock} a detection time may be
     */
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
     * @param reason the sentence a human reads, with the offending value (a few hundred characters at most)
     */
    public record Rejection(String field, String reason) {

        /** Every {@link #field()} a rejection can name. */
        public static final List<String> FIELDS =
                List.of("record", "sensor_id", "timestamp", "temperature", "humidity", "co2");
    }

    /** Why the record is invalid, or empty when it is valid. */
    public Optional<String> rejectionReason(SensorRecord record) {
        return rejection(record).map(Rejection::reason);
    }

    /** Why the record is invalid, with the field at fault, or empty when it is valid. Never throws. */
    public Optional<Rejection> rejection(SensorRecord record) {
        if (record == null) {
            return reject("record", "record is missing");
        }
        if (record.sensorId() == null || record.sensorId().isBlank()) {
            return reject("sensor_id", "sensor id is empty");
        }
        if (record.sensorId().length() > MAX_SENSOR_ID_LENGTH) {
            return reject("sensor_id", "sensor id is " + record.sensorId().length() + " characters long, more than "
                    + MAX_SENSOR_ID_LENGTH);
        }
        Optional<Rejection> time = timestampRejection(record.detectedAt());
        if (time.isPresent()) {
            return time;
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

    private Optional<Rejection> timestampRejection(Instant detectedAt) {
        if (detectedAt == null) {
            return reject("timestamp", "detection timestamp is missing");
        }
        if (detectedAt.isBefore(EARLIEST_DETECTION_TIME)) {
            return reject("timestamp", "detection timestamp " + detectedAt + " is before " + EARLIEST_DETECTION_TIME
                    + " (a sensor clock that was never set?)");
        }
        Instant now = clock.instant();
        // Duration.between cannot overflow between two Instants, unlike now.plus(maxFutureSkew) for a huge skew
        if (Duration.between(now, detectedAt).compareTo(maxFutureSkew) > 0 || detectedAt.isAfter(LATEST_IN_EPOCH_MILLIS)) {
            return reject("timestamp", "detection timestamp " + detectedAt + " is more than " + maxFutureSkew.toSeconds()
                    + " s in the future (server time " + now + ")");
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
