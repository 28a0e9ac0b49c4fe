package dev.meteo.model;

import java.time.Instant;

/**
 * What the proxy emits for one closed tumbling window {@code [start, end)}: the statistics of each kind, never mixed,
 * and the running count of late records (records that arrived after their window had closed).
 */
public record WindowResult(Instant start, Instant end, KindStatistics wellness, KindStatistics pollution,
                           long lateRecords) {

    /** Statistics of one kind. */
    public KindStatistics statistics(CoefficientKind kind) {
        return kind == CoefficientKind.WELLNESS ? wellness : pollution;
    }

    /** Records of both kinds counted in this window. */
    public long recordCount() {
        return wellness.count() + pollution.count();
    }
}
