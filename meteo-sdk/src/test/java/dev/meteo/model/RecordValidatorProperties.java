package dev.meteo.model;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The validator is total: any record, whatever its values (instants from {@link Instant#MIN} to {@link Instant#MAX},
 * NaN and infinities, huge or blank ids, any skew setting), gets a verdict and never an exception; a rejection names a
 * field from the fixed set and gives a short reason; an accepted record's time fits epoch milliseconds and lies in
 * the bounds of {@code docs/formulas.md}.
 */
class RecordValidatorProperties {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private final RecordValidator validator = new RecordValidator(Clock.fixed(NOW, ZoneOffset.UTC));

    @Property(tries = 1_000)
    void everyRecordGetsAVerdictAndNeverAnException(@ForAll("records") SensorRecord record) {
        Optional<RecordValidator.Rejection> verdict = assertDoesNotThrow(() -> validator.rejection(record));
        if (verdict.isPresent()) {
            RecordValidator.Rejection rejection = verdict.get();
            assertTrue(RecordValidator.Rejection.FIELDS.contains(rejection.field()), rejection.toString());
            assertFalse(rejection.reason().isBlank());
            assertTrue(rejection.reason().length() <= 300, rejection.reason());
            return;
        }
        assertDoesNotThrow(() -> record.detectedAt().toEpochMilli());
        assertFalse(record.detectedAt().isBefore(RecordValidator.EARLIEST_DETECTION_TIME), record.toString());
        assertFalse(record.detectedAt().isAfter(NOW.plus(RecordValidator.DEFAULT_MAX_FUTURE_SKEW)), record.toString());
        assertTrue(record.sensorId().length() <= RecordValidator.MAX_SENSOR_ID_LENGTH);
        if (record instanceof RawMeteoData air) {
            assertTrue(air.temperature() >= -90 && air.temperature() <= 60, record.toString());
            assertTrue(air.humidity() >= 0 && air.humidity() <= 100, record.toString());
        } else {
            assertTrue(((RawPollutionData) record).co2() >= 0, record.toString());
        }
    }

    @Property(tries = 500)
    void whateverTheSkewSettingAnAcceptedTimeFitsEpochMilliseconds(@ForAll("instants") Instant detectedAt,
                                                                   @ForAll("skews") Duration skew) {
        RecordValidator lenient = new RecordValidator(Clock.fixed(NOW, ZoneOffset.UTC), skew);
        SensorRecord record = new RawPollutionData("pollution-1", 1, detectedAt, 400);
        Optional<RecordValidator.Rejection> verdict = assertDoesNotThrow(() -> lenient.rejection(record));
        if (verdict.isEmpty()) {
            assertDoesNotThrow(detectedAt::toEpochMilli);
        } else {
            assertEquals("timestamp", verdict.get().field());
        }
    }

    @Property(tries = 300)
    void aTimeBeforeTwoThousandIsRejectedWhateverTheServerClockSaysSoACopyGetsTheOriginalsVerdict(
            @ForAll("instants") Instant detectedAt, @ForAll("instants") Instant serverTime) {
        RecordValidator atServerTime = new RecordValidator(Clock.fixed(serverTime, ZoneOffset.UTC));
        SensorRecord record = new RawMeteoData("air-1", 1, detectedAt, 20, 40);
        Optional<RecordValidator.Rejection> verdict = assertDoesNotThrow(() -> atServerTime.rejection(record));
        if (detectedAt.isBefore(RecordValidator.EARLIEST_DETECTION_TIME)) {
            assertEquals("timestamp", verdict.orElseThrow().field());
            assertTrue(verdict.get().reason().contains("before 2000-01-01T00:00:00Z"), verdict.get().reason());
        }
    }

    @Provide
    Arbitrary<SensorRecord> records() {
        return RecordArbitraries.records(NOW);
    }

    @Provide
    Arbitrary<Instant> instants() {
        return RecordArbitraries.instants(NOW);
    }

    @Provide
    Arbitrary<Duration> skews() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(0, 3_600).map(Duration::ofSeconds),
                Arbitraries.longs().between(0, Long.MAX_VALUE).map(Duration::ofSeconds),
                Arbitraries.of(Duration.ZERO, Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)));
    }
}
