package dev.meteo.model;

import dev.meteo.testing.Gen;
import dev.meteo.testing.Tries;
import org.junit.jupiter.api.Test;

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
 *
 * <p>Property tests: each runs its property over many seeded random inputs ({@link Tries}, {@link Gen},
 * {@link RecordGen}), the same on every run. A failure names the seed of the input that failed; replay it alone with
 * {@code mvn -B -ntp -pl meteo-sdk -am test -Dtest='RecordValidatorPropertyTest#<method>'
 * -Dsurefire.failIfNoSpecifiedTests=false -Dmeteo.seed=<seed>}.
 */
class RecordValidatorPropertyTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private final RecordValidator validator = new RecordValidator(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void everyRecordGetsAVerdictAndNeverAnException() {
        Tries.forAll(1_000, gen -> RecordGen.records(gen, NOW), record -> {
            Optional<RecordValidator.Rejection> verdict = assertDoesNotThrow(() -> validator.rejection(record));
            if (verdict.isPresent()) {
                RecordValidator.Rejection rejection = verdict.get();
                assertTrue(RecordValidator.Rejection.FIELDS.contains(rejection.field()), rejection.toString());
                assertFalse(rejection.reason().isBlank());
                assertTrue(rejection.reason().length() <= 300, rejection.reason());
                return;
            }
            assertDoesNotThrow(() -> record.detectedAt().toEpochMilli());
            assertFalse(record.detectedAt().isBefore(RecordValidator.EARLIEST_DETECTION_TIME), "before the past bound");
            assertFalse(record.detectedAt().isAfter(NOW.plus(RecordValidator.DEFAULT_MAX_FUTURE_SKEW)),
                    "after the future bound");
            assertTrue(record.sensorId().length() <= RecordValidator.MAX_SENSOR_ID_LENGTH);
            if (record instanceof RawMeteoData air) {
                assertTrue(air.temperature() >= -90 && air.temperature() <= 60, "temperature");
                assertTrue(air.humidity() >= 0 && air.humidity() <= 100, "humidity");
            } else {
                assertTrue(((RawPollutionData) record).co2() >= 0, "co2");
            }
        });
    }

    record TimeAndSkew(Instant detectedAt, Duration skew) {
    }

    @Test
    void whateverTheSkewSettingAnAcceptedTimeFitsEpochMilliseconds() {
        Tries.forAll(500, gen -> new TimeAndSkew(gen.instants(NOW), skews(gen)), input -> {
            RecordValidator lenient = new RecordValidator(Clock.fixed(NOW, ZoneOffset.UTC), input.skew());
            SensorRecord record = new RawPollutionData("pollution-1", 1, input.detectedAt(), 400);
            Optional<RecordValidator.Rejection> verdict = assertDoesNotThrow(() -> lenient.rejection(record));
            if (verdict.isEmpty()) {
                assertDoesNotThrow(input.detectedAt()::toEpochMilli);
            } else {
                assertEquals("timestamp", verdict.get().field());
            }
        });
    }

    record TimeAndServerTime(Instant detectedAt, Instant serverTime) {
    }

    @Test
    void aTimeBeforeTwoThousandIsRejectedWhateverTheServerClockSaysSoACopyGetsTheOriginalsVerdict() {
        Tries.forAll(300, gen -> new TimeAndServerTime(gen.instants(NOW), gen.instants(NOW)), input -> {
            RecordValidator atServerTime = new RecordValidator(Clock.fixed(input.serverTime(), ZoneOffset.UTC));
            SensorRecord record = new RawMeteoData("air-1", 1, input.detectedAt(), 20, 40);
            Optional<RecordValidator.Rejection> verdict = assertDoesNotThrow(() -> atServerTime.rejection(record));
            if (input.detectedAt().isBefore(RecordValidator.EARLIEST_DETECTION_TIME)) {
                assertEquals("timestamp", verdict.orElseThrow().field());
                assertTrue(verdict.get().reason().contains("before 2000-01-01T00:00:00Z"), verdict.get().reason());
            }
        });
    }

    /** Skews of up to an hour, of any number of seconds, none, and the longest a {@link Duration} holds. */
    private static Duration skews(Gen gen) {
        return gen.oneOf(
                () -> Duration.ofSeconds(gen.longs(0, 3_600)),
                () -> Duration.ofSeconds(gen.longs(0, Long.MAX_VALUE)),
                () -> gen.of(Duration.ZERO, Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)));
    }
}
