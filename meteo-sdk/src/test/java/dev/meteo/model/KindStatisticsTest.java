package dev.meteo.model;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Window statistics against a straightforward reference computation. */
class KindStatisticsTest {

    private static final double EPSILON = 1e-9;

    @Test
    void statisticsMatchAReferenceComputationOnRandomData() {
        SplittableRandom random = new SplittableRandom(2024);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(500);
            List<KindStatistics.Sample> samples = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                // unordered timestamps: latest must be the maximum, not the last sample
                samples.add(new KindStatistics.Sample(1_700_000_000_000L + random.nextInt(60_000),
                        Math.round(random.nextDouble() * 100) / 100.0));
            }

            double sum = 0;
            double sumOfSquares = 0;
            double min = samples.get(0).value();
            double max = samples.get(0).value();
            long latest = samples.get(0).detectedAtMillis();
            for (KindStatistics.Sample s : samples) {
                sum += s.value();
                sumOfSquares += s.value() * s.value();
                min = s.value() < min ? s.value() : min;
                max = s.value() > max ? s.value() : max;
                latest = s.detectedAtMillis() > latest ? s.detectedAtMillis() : latest;
            }
            double mean = sum / n;
            double populationStddev = Math.sqrt(Math.max(0, sumOfSquares / n - mean * mean));

            KindStatistics statistics = KindStatistics.of(samples);
            assertEquals(n, statistics.count());
            assertEquals(mean, statistics.mean(), EPSILON);
            assertEquals(populationStddev, statistics.stddev(), 1e-6);
            assertEquals(min, statistics.min(), 0);
            assertEquals(max, statistics.max(), 0);
            assertEquals(Instant.ofEpochMilli(latest), statistics.latest());
        }
    }

    @Test
    void populationNotSampleStandardDeviation() {
        // values 0 and 1: population stddev 0.5, sample stddev 0.707
        KindStatistics statistics = KindStatistics.of(List.of(new KindStatistics.Sample(1, 0), new KindStatistics.Sample(2, 1)));
        assertEquals(0.5, statistics.stddev(), EPSILON);
    }

    @Test
    void oneSampleHasZeroDeviation() {
        KindStatistics statistics = KindStatistics.of(List.of(new KindStatistics.Sample(5, 0.42)));
        assertEquals(1, statistics.count());
        assertEquals(0.42, statistics.mean(), 0);
        assertEquals(0, statistics.stddev(), 0);
        assertEquals(Instant.ofEpochMilli(5), statistics.latest());
    }

    @Test
    void noSamplesGiveTheEmptyStatistics() {
        KindStatistics statistics = KindStatistics.of(List.of());
        assertSame(KindStatistics.EMPTY, statistics);
        assertTrue(statistics.isEmpty());
        assertTrue(Double.isNaN(statistics.mean()));
        assertNull(statistics.latest());
    }
}
