package dev.meteo.model;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

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
        Arbitrary<Instant> instantsOrNull = instants().injectNull(0.02);
        Arbitrary<SensorRecord> air = Combinators.combine(sensorIds(), Arbitraries.longs(), instantsOrNull, readings(),
                readings()).as(RawMeteoData::new);
        Arbitrary<SensorRecord> pollution = Combinators.combine(sensorIds(), Arbitraries.longs(), instantsOrNull,
                Arbitraries.integers()).as(RawPollutionData::new);
        return Arbitraries.oneOf(air, pollution).injectNull(0.01);
    }

    static Arbitrary<String> sensorIds() {
        return Arbitraries.oneOf(
                Arbitraries.strings().alpha().numeric().withChars('-', '.').ofMinLength(1).ofMaxLength(40),
                Arbitraries.strings().all().ofMaxLength(300),
                Arbitraries.strings().withChars(' ', '\t', '\n').ofMaxLength(5),
                Arbitraries.strings().alpha().ofMinLength(250).ofMaxLength(5_000))
                .injectNull(0.02);
    }

    /** From {@link Instant#MIN} to {@link Instant#MAX}, with the edges and times near the bounds and now. */
    @Provide
    static Arbitrary<Instant> instants() {
        Arbitrary<Instant> anyInstant = Combinators.combine(
                Arbitraries.longs().between(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond()),
                Arbitraries.integers().between(0, 999_999_999)).as(Instant::ofEpochSecond);
        Arbitrary<Instant> nearNow = Arbitraries.longs().between(-Duration.ofDays(40 * 365).toMillis(),
                Duration.ofHours(1).toMillis()).map(NOW::plusMillis);
        Arbitrary<Instant> edges = Arbitraries.of(Instant.MIN, Instant.MAX, Instant.EPOCH,
                Instant.ofEpochMilli(Long.MIN_VALUE), Instant.ofEpochMilli(Long.MAX_VALUE),
                Instant.ofEpochMilli(Long.MAX_VALUE).plusNanos(1), Instant.ofEpochSecond(-10_000_000_000_000_000L),
                RecordValidator.EARLIEST_DETECTION_TIME, RecordValidator.EARLIEST_DETECTION_TIME.minusNanos(1),
                NOW.plus(RecordValidator.DEFAULT_MAX_FUTURE_SKEW),
                NOW.plus(RecordValidator.DEFAULT_MAX_FUTURE_SKEW).plusNanos(1));
        return Arbitraries.frequencyOf(Tuple.of(4, anyInstant), Tuple.of(4, nearNow), Tuple.of(2, edges));
    }

    /** Plausible readings, anything a double holds, and the special values. */
    static Arbitrary<Double> readings() {
        return Arbitraries.oneOf(
                Arbitraries.doubles().between(-120, 120),
                Arbitraries.doubles().withStandardSpecialValues(),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, Double.MIN_VALUE,
                        -Double.MAX_VALUE, Double.MAX_VALUE));
    }

    @Provide
    Arbitrary<Duration> skews() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(0, 3_600).map(Duration::ofSeconds),
                Arbitraries.longs().between(0, Long.MAX_VALUE).map(Duration::ofSeconds),
                Arbitraries.of(Duration.ZERO, Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)));
    }
}
