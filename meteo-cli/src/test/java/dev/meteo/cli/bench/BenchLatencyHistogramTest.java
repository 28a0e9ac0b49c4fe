package dev.meteo.cli.bench;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchLatencyHistogramTest {

    @Test
    void smallValuesHaveABucketEach() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (long v = 0; v < 32; v++) {
            histogram.record(v);
        }
        assertEquals(32, histogram.count());
        assertEquals(15, histogram.percentile(50));
        assertEquals(31, histogram.percentile(100));
        assertEquals(0, histogram.percentile(1));
    }

    @Test
    void everyValueLiesInTheBucketItIndexesAndBucketsDoNotOverlap() {
        long previousHighest = -1;
        for (int index = 0; index < LatencyHistogram.BUCKETS; index++) {
            long highest = LatencyHistogram.highestIn(index);
            assertTrue(highest > previousHighest, "bucket " + index);
            assertEquals(index, LatencyHistogram.index(previousHighest + 1), "lowest of bucket " + index);
            assertEquals(index, LatencyHistogram.index(highest), "highest of bucket " + index);
            previousHighest = highest;
        }
    }

    @Test
    void percentilesOfAUniformRangeAreWithinOneThirtySecondAbove() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (long v = 1; v <= 100_000; v++) {
            histogram.record(v);
        }
        for (double p : new double[] {50, 95, 99, 99.9}) {
            long exact = (long) Math.ceil(p / 100 * 100_000);
            long reported = histogram.percentile(p);
            assertTrue(reported >= exact && reported <= exact + exact / 32 + 1, "p" + p + ": " + reported + " vs " + exact);
        }
    }

    @Test
    void negativeValuesCountAsZeroAndHugeOnesAsTheLargestBucket() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(-5);
        histogram.record(Long.MAX_VALUE);
        assertEquals(0, histogram.percentile(50));
        assertEquals(LatencyHistogram.highestIn(LatencyHistogram.BUCKETS - 1), histogram.percentile(100));
    }

    @Test
    void anEmptyHistogramHasNoPercentiles() {
        LatencyHistogram histogram = new LatencyHistogram();
        assertEquals(-1, histogram.percentile(99));
        Map<String, Object> millis = histogram.percentilesMillis();
        assertEquals(3, millis.size());
        assertTrue(millis.values().stream().allMatch(v -> v == null));
    }

    @Test
    void theSparseFormRoundTripsAndSnapshotsSubtract() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(1_000);
        histogram.record(2_000);
        LatencyHistogram snapshot = LatencyHistogram.fromMap(histogram.toMap());
        histogram.record(50_000);
        histogram.record(50_000);
        LatencyHistogram measured = LatencyHistogram.fromMap(histogram.toMap()).minus(snapshot);
        assertEquals(2, measured.count());
        assertEquals(LatencyHistogram.highestIn(LatencyHistogram.index(50_000)), measured.percentile(50));
        assertEquals(4, snapshot.plus(measured).count());
    }

    @Test
    void percentilesInMillisecondsComeFromMicroseconds() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(20); // exact below 32 us
        assertEquals(0.02, (Double) histogram.percentilesMillis().get("p50"), 1e-9);
    }
}
