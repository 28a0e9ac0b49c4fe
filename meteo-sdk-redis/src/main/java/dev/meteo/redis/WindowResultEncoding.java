package dev.meteo.redis;

import dev.meteo.model.KindStatistics;
import dev.meteo.model.WindowResult;

import java.time.Instant;

/**
 * How a window result is kept in Redis. The close script writes {@code v2|start|end|late|<wellness>|<pollution>},
 * each kind its window's aggregate as {@link AggregateEncoding} reads it (empty for a kind without records). Results
 * saved before that (a deployment from an earlier version) are one line of 15 fields, doubles in
 * {@link Double#toString} form: {@code start|end|late|count|mean|stddev|min|max|latest (wellness)|... (pollution)}.
 */
final class WindowResultEncoding {

    private WindowResultEncoding() {
    }

    static String encode(WindowResult result) {
        StringBuilder out = new StringBuilder(128)
                .append(result.start().toEpochMilli()).append('|')
                .append(result.end().toEpochMilli()).append('|')
                .append(result.lateRecords());
        for (KindStatistics kind : new KindStatistics[] {result.wellness(), result.pollution()}) {
            out.append('|').append(kind.count());
            if (kind.isEmpty()) {
                out.append("|||||");
            } else {
                out.append('|').append(kind.mean()).append('|').append(kind.stddev()).append('|').append(kind.min())
                        .append('|').append(kind.max()).append('|')
                        .append(kind.latest() == null ? "" : Long.toString(kind.latest().toEpochMilli()));
            }
        }
        return out.toString();
    }

    static WindowResult decode(String encoded) {
        String[] f = encoded.split("\\|", -1);
        if (f.length == 6 && f[0].equals("v2")) {
            return new WindowResult(Instant.ofEpochMilli(Long.parseLong(f[1])), Instant.ofEpochMilli(Long.parseLong(f[2])),
                    aggregate(f[4]), aggregate(f[5]), Long.parseLong(f[3]));
        }
        if (f.length != 15) {
            throw new IllegalArgumentException("not a saved window result: " + encoded);
        }
        return new WindowResult(Instant.ofEpochMilli(Long.parseLong(f[0])), Instant.ofEpochMilli(Long.parseLong(f[1])),
                kind(f, 3), kind(f, 9), Long.parseLong(f[2]));
    }

    private static KindStatistics aggregate(String packed) {
        return packed.isEmpty() ? KindStatistics.EMPTY : AggregateEncoding.decode(packed);
    }

    private static KindStatistics kind(String[] f, int at) {
        long count = Long.parseLong(f[at]);
        if (count == 0) {
            return KindStatistics.EMPTY;
        }
        return new KindStatistics(count, Double.parseDouble(f[at + 1]), Double.parseDouble(f[at + 2]),
                Double.parseDouble(f[at + 3]), Double.parseDouble(f[at + 4]),
                f[at + 5].isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(f[at + 5])));
    }
}
