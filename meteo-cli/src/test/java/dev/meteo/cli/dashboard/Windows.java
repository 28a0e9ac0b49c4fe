package dev.meteo.cli.dashboard;

import dev.meteo.model.KindStatistics;
import dev.meteo.model.WindowResult;

import java.time.Instant;

/** Window results for the terminal UI tests. */
public final class Windows {

    /** 2024-03-01T10:00:00Z: a window start that is easy to read in the tests. */
    public static final long BASE = 1_709_287_200_000L;
    public static final long SIZE = 5_000L;

    private Windows() {
    }

    /** Window {@code index} (5 s each, from {@link #BASE}) with the given means and a few records of each kind. */
    public static WindowResult window(int index, double wellnessMean, double pollutionMean, long late) {
        long start = BASE + index * SIZE;
        return new WindowResult(Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + SIZE),
                new KindStatistics(10 + index, wellnessMean, 0.0125, wellnessMean - 0.05, wellnessMean + 0.05,
                        Instant.ofEpochMilli(start + 4_321)),
                new KindStatistics(7, pollutionMean, 0.25, pollutionMean - 0.5, pollutionMean + 0.5,
                        Instant.ofEpochMilli(start + 4_000)),
                late);
    }

    /** Window {@code index} without any record. */
    public static WindowResult empty(int index, long late) {
        long start = BASE + index * SIZE;
        return new WindowResult(Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + SIZE),
                KindStatistics.EMPTY, KindStatistics.EMPTY, late);
    }
}
