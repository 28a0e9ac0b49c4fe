package dev.meteo.model;

import dev.meteo.testing.Gen;

import java.time.Instant;

/**
 * Records for the property tests: plausible values, every value the types hold, and the edges (instants from
 * {@link Instant#MIN} to {@link Instant#MAX} and around the validator's bounds, NaN and infinities, blank, null and
 * huge sensor ids), made by a {@link Gen}.
 */
public final class RecordGen {

    private RecordGen() {
    }

    /** Air and pollution records, sometimes {@code null}, around a server clock at {@code now}. */
    public static SensorRecord records(Gen gen, Instant now) {
        if (gen.chance(0.01)) {
            return null;
        }
        String sensorId = sensorIds(gen);
        long sequence = gen.longs();
        Instant detectedAt = gen.orNull(0.02, () -> gen.instants(now));
        return gen.chance(0.5)
                ? new RawMeteoData(sensorId, sequence, detectedAt, gen.readings(), gen.readings())
                : new RawPollutionData(sensorId, sequence, detectedAt, gen.ints());
    }

    /**
     * Ids as sensors make them, any text (unpaired surrogates and control characters included), blanks, ids around
     * and far beyond the longest the validator accepts, and {@code null}.
     */
    public static String sensorIds(Gen gen) {
        if (gen.chance(0.02)) {
            return null;
        }
        return gen.oneOf(
                () -> gen.alphanumeric(1, 40, "-."),
                () -> gen.strings(300),
                () -> gen.blanks(5),
                () -> gen.huge(26, 20_000));
    }
}
