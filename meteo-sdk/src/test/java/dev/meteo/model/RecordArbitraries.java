package dev.meteo.model;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.time.Duration;
import java.time.Instant;

/**
 * Generators of records for property tests: plausible values, every value the types hold, and the edges (instants
 * from {@link Instant#MIN} to {@link Instant#MAX}, NaN and infinities, blank, null and huge sensor ids).
 */
public final class RecordArbitraries {

    private RecordArbitraries() {
    }

    /** Air and pollution records, sometimes {@code null}, around a server clock at {@code now}. */
    public static Arbitrary<SensorRecord> records(Instant now) {
        Arbitrary<Instant> instantsOrNull = instants(now).injectNull(0.02);
        Arbitrary<SensorRecord> air = Combinators.combine(sensorIds(), Arbitraries.longs(), instantsOrNull, readings(),
                readings()).as(RawMeteoData::new);
        Arbitrary<SensorRecord> pollution = Combinators.combine(sensorIds(), Arbitraries.longs(), instantsOrNull,
                Arbitraries.integers()).as(RawPollutionData::new);
        return Arbitraries.oneOf(air, pollution).injectNull(0.01);
    }

    /** Ids as sensors make them, any text, blanks, ids longer than the validator accepts, and {@code null}. */
    public static Arbitrary<String> sensorIds() {
        return Arbitraries.oneOf(
                        Arbitraries.strings().alpha().numeric().withChars('-', '.').ofMinLength(1).ofMaxLength(40),
                        Arbitraries.strings().all().ofMaxLength(300),
                        Arbitraries.strings().withChars(' ', '\t', '\n').ofMaxLength(5),
                        Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10),
                                Arbitraries.integers().between(26, 2_000)).as(String::repeat))
                .injectNull(0.02);
    }

    /** From {@link Instant#MIN} to {@link Instant#MAX}, with the edges and times near the bounds and {@code now}. */
    public static Arbitrary<Instant> instants(Instant now) {
        Arbitrary<Instant> anyInstant = Combinators.combine(
                Arbitraries.longs().between(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond()),
                Arbitraries.integers().between(0, 999_999_999)).as(Instant::ofEpochSecond);
        Arbitrary<Instant> nearNow = Arbitraries.longs().between(-Duration.ofDays(40 * 365).toMillis(),
                Duration.ofHours(1).toMillis()).map(now::plusMillis);
        Arbitrary<Instant> edges = Arbitraries.of(Instant.MIN, Instant.MAX, Instant.EPOCH,
                Instant.ofEpochMilli(Long.MIN_VALUE), Instant.ofEpochMilli(Long.MAX_VALUE),
                Instant.ofEpochMilli(Long.MAX_VALUE).plusNanos(1), Instant.ofEpochSecond(-10_000_000_000_000_000L),
                RecordValidator.EARLIEST_DETECTION_TIME, RecordValidator.EARLIEST_DETECTION_TIME.minusNanos(1),
                now.plus(RecordValidator.DEFAULT_MAX_FUTURE_SKEW),
                now.plus(RecordValidator.DEFAULT_MAX_FUTURE_SKEW).plusNanos(1));
        return Arbitraries.frequencyOf(Tuple.of(4, anyInstant), Tuple.of(4, nearNow), Tuple.of(2, edges));
    }

    /** Plausible readings, anything a double holds, and the special values. */
    public static Arbitrary<Double> readings() {
        return Arbitraries.oneOf(
                Arbitraries.doubles().between(-120, 120),
                Arbitraries.doubles().withStandardSpecialValues(),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, Double.MIN_VALUE,
                        -Double.MAX_VALUE, Double.MAX_VALUE));
    }
}
