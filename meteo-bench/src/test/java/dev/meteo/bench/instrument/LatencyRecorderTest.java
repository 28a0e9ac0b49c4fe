package dev.meteo.bench.instrument;

import dev.meteo.cli.io.Json;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyRecorderTest {

    @Test
    void snapshotsShipMergeAndSubtractAcrossProcesses() {
        LatencyRecorder server1 = new LatencyRecorder();
        LatencyRecorder server2 = new LatencyRecorder();
        server1.record(1_000);
        server2.record(2_000);
        Histogram start = merged(server1.snapshot(), server2.snapshot());

        server1.record(50_000);
        server2.record(50_000);
        server2.record(60_000);
        Histogram end = merged(server1.snapshot(), server2.snapshot());
        Histogram measured = LatencyRecorder.since(start, end);

        assertEquals(2, start.getTotalCount());
        assertEquals(5, end.getTotalCount());
        assertEquals(3, measured.getTotalCount());
        assertEquals(measured.highestEquivalentValue(50_000), measured.getValueAtPercentile(50));
        assertEquals(measured.highestEquivalentValue(60_000), measured.getMaxValue());
        assertEquals(measured.lowestEquivalentValue(50_000), measured.getMinValue());
    }

    @Test
    void aSnapshotKeepsEverythingSinceStartAndDecodesExactly() {
        LatencyRecorder recorder = new LatencyRecorder();
        for (long v = 1; v <= 1_000; v++) {
            recorder.record(v * 37);
        }
        Histogram first = LatencyRecorder.decode(recorder.snapshot());
        recorder.record(5);
        Histogram second = LatencyRecorder.decode(recorder.snapshot());

        assertEquals(1_000, first.getTotalCount());
        assertEquals(1_001, second.getTotalCount());
        Histogram roundTripped = LatencyRecorder.decode(LatencyRecorder.encode(second));
        assertEquals(second, roundTripped);
    }

    @Test
    void aStartThatTheEndDoesNotContainGivesNoMeasurement() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.record(1_000);
        Histogram start = LatencyRecorder.decode(recorder.snapshot());

        Histogram measured = LatencyRecorder.since(start, LatencyRecorder.emptyHistogram());

        assertEquals(0, measured.getTotalCount());
    }

    @Test
    void percentilesOfAUniformRangeAreWithinTheResolution() {
        LatencyRecorder recorder = new LatencyRecorder();
        for (long v = 1; v <= 100_000; v++) {
            recorder.record(v);
        }
        Histogram histogram = LatencyRecorder.decode(recorder.snapshot());
        for (double p : new double[] {50, 95, 99, 99.9}) {
            long exact = (long) Math.ceil(p / 100 * 100_000);
            long reported = histogram.getValueAtPercentile(p);
            assertTrue(Math.abs(reported - exact) <= exact / 1000 + 1, "p" + p + ": " + reported + " vs " + exact);
        }
    }

    @Test
    void negativeValuesCountAsZeroAndHugeOnesAsTheHighest() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.record(-5);
        recorder.record(Long.MAX_VALUE);
        Histogram histogram = LatencyRecorder.decode(recorder.snapshot());

        assertEquals(2, histogram.getTotalCount());
        assertEquals(0, histogram.getValueAtPercentile(50));
        assertEquals(histogram.highestEquivalentValue(LatencyRecorder.HIGHEST_MICROS), histogram.getValueAtPercentile(100));
    }

    @Test
    void recordingFromManyThreadsLosesNothing() throws InterruptedException {
        LatencyRecorder recorder = new LatencyRecorder();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    recorder.record(i);
                    if (i % 1_000 == 0) {
                        recorder.snapshot();
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(40_000, LatencyRecorder.decode(recorder.snapshot()).getTotalCount());
    }

    @Test
    void anAbsentHistogramIsEmptyAndHasNoPercentiles() {
        Histogram absent = LatencyRecorder.decode(null);
        assertEquals(0, absent.getTotalCount());
        Map<String, Object> millis = LatencyRecorder.percentilesMillis(absent);
        assertEquals(List.of("p50", "p95", "p99"), List.copyOf(millis.keySet()));
        assertTrue(millis.values().stream().allMatch(v -> v == null));
        assertThrows(IllegalArgumentException.class, () -> LatencyRecorder.decode("not a histogram"));
        assertThrows(IllegalArgumentException.class, () -> LatencyRecorder.decode(Map.of("hdrhistogram", "bm90IG9uZQ==")));
    }

    @Test
    void percentilesInMillisecondsComeFromMicroseconds() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.record(20);
        recorder.record(12_345);
        Map<String, Object> millis = LatencyRecorder.percentilesMillis(LatencyRecorder.decode(recorder.snapshot()));
        assertEquals(0.02, (Double) millis.get("p50"), 1e-9);
        assertEquals(12.345, (Double) millis.get("p99"), 0.0125);
    }

    /** Through the JSON of a status file and back, then added up, as Fleet does. */
    @SafeVarargs
    private static Histogram merged(Map<String, Object>... snapshots) {
        Histogram merged = LatencyRecorder.emptyHistogram();
        for (Map<String, Object> snapshot : snapshots) {
            Map<?, ?> status = (Map<?, ?>) Json.read(Json.write(Map.of("latency_us", snapshot)));
            merged.add(LatencyRecorder.decode(status.get("latency_us")));
        }
        return merged;
    }
}
