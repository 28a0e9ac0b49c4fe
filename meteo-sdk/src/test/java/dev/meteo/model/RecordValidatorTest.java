package dev.meteo.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The validation rules of {@code docs/formulas.md}: each rejection names what is wrong. */
class RecordValidatorTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final RecordValidator validator = new RecordValidator(clock);

    private static RawMeteoData air(double temperature, double humidity) {
        return new RawMeteoData("air-1", 1, NOW, temperature, humidity);
    }

    private static RawPollutionData pollution(int co2) {
        return new RawPollutionData("pollution-1", 1, NOW, co2);
    }

    private String reasonFor(SensorRecord record) {
        Optional<String> reason = validator.rejectionReason(record);
        assertTrue(reason.isPresent(), record + " was accepted");
        return reason.get();
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void nonFiniteTemperatureIsRejected(double value) {
        String reason = reasonFor(air(value, 40));
        assertTrue(reason.contains("temperature") && reason.contains("finite"), reason);
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void nonFiniteHumidityIsRejected(double value) {
        String reason = reasonFor(air(20, value));
        assertTrue(reason.contains("humidity") && reason.contains("finite"), reason);
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.01, 100.01, 150})
    void humidityOutsideZeroToHundredIsRejected(double humidity) {
        String reason = reasonFor(air(20, humidity));
        assertTrue(reason.contains("humidity") && reason.contains("0..100"), reason);
    }

    @ParameterizedTest
    @ValueSource(doubles = {-90.01, 60.01, -273})
    void temperatureOutsideThePhysicalRangeIsRejected(double temperature) {
        String reason = reasonFor(air(temperature, 40));
        assertTrue(reason.contains("temperature") && reason.contains("-90..60"), reason);
    }

    @Test
    void eachRejectionNamesTheFieldAtFaultFromAFixedSet() {
        assertEquals("humidity", validator.rejection(air(20, 150)).orElseThrow().field());
        assertEquals("temperature", validator.rejection(air(Double.NaN, 40)).orElseThrow().field());
        assertEquals("co2", validator.rejection(pollution(-1)).orElseThrow().field());
        assertEquals("timestamp", validator.rejection(new RawPollutionData("pollution-1", 1, null, 400)).orElseThrow().field());
        assertEquals("sensor_id", validator.rejection(new RawPollutionData(" ", 1, NOW, 400)).orElseThrow().field());
        assertEquals("record", validator.rejection(null).orElseThrow().field());
        for (SensorRecord invalid : new SensorRecord[] {air(20, 150), air(99, 40), pollution(-1), null}) {
            RecordValidator.Rejection rejection = validator.rejection(invalid).orElseThrow();
            assertTrue(RecordValidator.Rejection.FIELDS.contains(rejection.field()), rejection.toString());
            assertEquals(validator.rejectionReason(invalid).orElseThrow(), rejection.reason());
        }
        assertTrue(validator.rejection(air(20, 40)).isEmpty());
    }

    @Test
    void negativeCo2IsRejected() {
        String reason = reasonFor(pollution(-1));
        assertTrue(reason.contains("CO2") && reason.contains("negative"), reason);
    }

    @Test
    void missingTimestampIsRejected() {
        String reason = reasonFor(new RawPollutionData("pollution-1", 1, null, 400));
        assertTrue(reason.contains("timestamp") && reason.contains("missing"), reason);
    }

    @Test
    void emptyOrBlankSensorIdIsRejected() {
        for (String id : new String[] {null, "", "  "}) {
            String reason = reasonFor(new RawMeteoData(id, 1, NOW, 20, 40));
            assertTrue(reason.contains("sensor id"), reason);
        }
    }

    @Test
    void timestampBeyondTheDefaultFutureSkewIsRejected() {
        Instant fourMinutes = NOW.plus(Duration.ofMinutes(4));
        Instant sixMinutes = NOW.plus(Duration.ofMinutes(6));
        assertEquals(Optional.empty(), validator.rejectionReason(new RawPollutionData("p", 1, fourMinutes, 400)));
        String reason = reasonFor(new RawPollutionData("p", 1, sixMinutes, 400));
        assertTrue(reason.contains("future"), reason);
    }

    @Test
    void theFutureSkewIsConfigurableAndMeasuredFromTheClock() {
        RecordValidator strict = new RecordValidator(clock, Duration.ofSeconds(10));
        SensorRecord elevenSecondsAhead = new RawPollutionData("p", 1, NOW.plusSeconds(11), 400);
        assertTrue(strict.rejectionReason(elevenSecondsAhead).isPresent());
        assertEquals(Optional.empty(), strict.rejectionReason(new RawPollutionData("p", 1, NOW.plusSeconds(10), 400)));
        RecordValidator aSecondLater = new RecordValidator(Clock.offset(clock, Duration.ofSeconds(1)), Duration.ofSeconds(10));
        assertEquals(Optional.empty(), aSecondLater.rejectionReason(elevenSecondsAhead));
    }

    @Test
    void aTimeBeforeTwoThousandIsRejectedAndTwoThousandItselfIsValid() {
        Instant earliest = Instant.parse("2000-01-01T00:00:00Z");
        assertEquals(earliest, RecordValidator.EARLIEST_DETECTION_TIME);
        assertEquals(Optional.empty(), validator.rejectionReason(new RawPollutionData("p", 1, earliest, 400)));
        for (Instant before : new Instant[] {earliest.minusMillis(1), Instant.EPOCH, Instant.parse("1980-01-06T00:00:00Z")}) {
            RecordValidator.Rejection rejection = validator.rejection(new RawPollutionData("p", 1, before, 400)).orElseThrow();
            assertEquals("timestamp", rejection.field());
            assertTrue(rejection.reason().contains("before 2000-01-01T00:00:00Z"), rejection.reason());
        }
    }

    /** What ProtoCodec makes of seconds = 2^62 (Instant.MAX, saturated) and of seconds = -10^16, and the other end. */
    @Test
    void timesTheStoreCouldNotHoldInEpochMillisecondsAreRejectedNotThrown() {
        for (Instant extreme : new Instant[] {Instant.MAX, Instant.MIN, Instant.ofEpochSecond(-10_000_000_000_000_000L),
                Instant.ofEpochMilli(Long.MAX_VALUE).plusMillis(1), Instant.ofEpochMilli(Long.MIN_VALUE).minusMillis(1)}) {
            RecordValidator.Rejection rejection = validator.rejection(new RawMeteoData("air-1", 1, extreme, 20, 40))
                    .orElseThrow(() -> new AssertionError(extreme + " was accepted"));
            assertEquals("timestamp", rejection.field(), rejection.reason());
        }
        String future = reasonFor(new RawMeteoData("air-1", 1, Instant.MAX, 20, 40));
        assertTrue(future.contains("in the future"), future);
        String past = reasonFor(new RawMeteoData("air-1", 1, Instant.ofEpochSecond(-10_000_000_000_000_000L), 20, 40));
        assertTrue(past.contains("before 2000"), past);
    }

    @Test
    void whateverTheSkewSettingATimeBeyondEpochMillisecondsIsRejected() {
        RecordValidator lenient = new RecordValidator(clock, Duration.ofSeconds(Long.MAX_VALUE));
        assertEquals(Optional.empty(), lenient.rejectionReason(new RawPollutionData("p", 1, NOW.plus(Duration.ofDays(3650)), 400)));
        assertEquals("timestamp", lenient.rejection(new RawPollutionData("p", 1, Instant.MAX, 400)).orElseThrow().field());
        assertEquals("timestamp", lenient.rejection(new RawPollutionData("p", 1,
                Instant.ofEpochMilli(Long.MAX_VALUE).plusNanos(1), 400)).orElseThrow().field());
    }

    @Test
    void aSensorIdLongerThan1024CharactersIsRejectedWithItsLengthNotItsText() {
        String longest = "s".repeat(RecordValidator.MAX_SENSOR_ID_LENGTH);
        assertEquals(Optional.empty(), validator.rejectionReason(new RawPollutionData(longest, 1, NOW, 400)));
        RecordValidator.Rejection rejection =
                validator.rejection(new RawPollutionData(longest + "s".repeat(1_000_000), 1, NOW, 400)).orElseThrow();
        assertEquals("sensor_id", rejection.field());
        assertEquals("sensor id is 1001024 characters long, more than 1024", rejection.reason());
    }

    @Test
    void physicalValuesOutsideTheAcceptedRangeAreValid() {
        for (SensorRecord record : new SensorRecord[] {
                air(-90, 0), air(60, 100), air(-15, 85), air(50, 5), pollution(0), pollution(250), pollution(5_000),
                new RawMeteoData("old", 1, NOW.minus(Duration.ofDays(30)), 20, 40)}) {
            assertEquals(Optional.empty(), validator.rejectionReason(record), record.toString());
        }
    }

    @Test
    void validateThrowsWithTheReasonAndTheRecordId() {
        RawMeteoData record = new RawMeteoData("air-7", 42, NOW, 20, 101);
        InvalidRecordException error = assertThrows(InvalidRecordException.class, () -> validator.validate(record));
        assertEquals(new RecordId("air-7", 42), error.recordId());
        assertEquals(reasonFor(record), error.getMessage());
    }
}
