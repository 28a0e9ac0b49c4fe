package dev.meteo.redis;

import dev.meteo.model.KindStatistics;

/**
 * How a window's aggregate is kept in the {@code window:aggregates} hash (written by the Lua scripts of
 * {@link RedisMeteoStore}): {@code "count mean m2 min max latest"}, where {@code m2} is the sum of squared deviations
 * from the mean (Welford), doubles with 17 significant digits, {@code latest} in epoch milliseconds.
 */
final class AggregateEncoding {

    private AggregateEncoding() {
    }

    static KindStatistics decode(String packed) {
        String[] f = packed.split(" ");
        if (f.length != 6) {
            throw new IllegalArgumentException("not a window aggregate: " + packed);
        }
        return KindStatistics.ofMoments(Long.parseLong(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                Double.parseDouble(f[3]), Double.parseDouble(f[4]), Long.parseLong(f[5]));
    }
}
