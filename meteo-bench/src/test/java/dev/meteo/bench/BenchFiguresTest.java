package dev.meteo.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench's pure arithmetic: ratios to the lowest ceiling, per-minute rates, scale goals, fleet processes. */
class BenchFiguresTest {

    @Test
    void thePipelineIsComparedWithItsLowestCeiling() {
        Map<String, Number> ceilings = new LinkedHashMap<>();
        ceilings.put("grpc_relay_batch", 300_000L);
        ceilings.put("redis_store", 200_000L);
        Map<String, Object> summary = StageCeilings.summary(170_000L, ceilings);
        assertEquals("redis_store", summary.get("lowest_ceiling"));
        assertEquals(200_000L, summary.get("lowest_ceiling_per_s"));
        assertEquals(0.85, summary.get("ratio_to_lowest_ceiling"));
        assertEquals(Map.of("grpc_relay_batch", 300_000L, "redis_store", 200_000L), summary.get("ceilings_per_s"));
    }

    @Test
    void aCeilingNotMeasuredIsLeftOutOfTheMinimumAndNoCeilingGivesNoRatio() {
        Map<String, Number> ceilings = new LinkedHashMap<>();
        ceilings.put("rabbit_perftest", null);
        ceilings.put("redis_store", 50_000L);
        assertEquals("redis_store", StageCeilings.summary(10_000L, ceilings).get("lowest_ceiling"));

        Map<String, Object> none = StageCeilings.summary(10_000L, Map.of());
        assertNull(none.get("lowest_ceiling"));
        assertNull(none.get("ratio_to_lowest_ceiling"));
    }

    @Test
    void ratesAreAveragedPerWholeMinuteAndTheLastIsComparedWithTheFirst() {
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            seconds.add(100_000.0);
        }
        for (int i = 0; i < 60; i++) {
            seconds.add(95_000.0);
        }
        for (int i = 0; i < 60; i++) {
            seconds.add(80_000.0);
        }
        seconds.add(1.0); // a partial last minute is left out
        assertEquals(List.of(100_000.0, 95_000.0, 80_000.0), MinuteRates.perMinute(seconds));
        Map<String, Object> summary = MinuteRates.summary(seconds);
        assertEquals(0.8, summary.get("last_to_first_minute"));
        assertEquals(false, summary.get("sustained"));
    }

    @Test
    void aRunShorterThanTwoMinutesHasNoLastToFirstShare() {
        assertEquals(List.of(10.0), MinuteRates.perMinute(List.of(5, 10, 15)));
        assertNull(MinuteRates.lastToFirst(List.of(10.0)));
        assertNull(MinuteRates.summary(List.of()).get("sustained"));
    }

    @Test
    void aStepThatKeepsEveryGoalMeetsThemAndOneThatDoesNotSaysWhich() {
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("lost", 0L);
        step.put("late", 0L);
        step.put("latency_ms", Map.of("p99", 420.0));
        step.put("window_latency_ms", Map.of("p99", 120.0));
        step.put("max_rss_mb_by_role", Map.of("sensor", 210.0, "server", 150.0));
        assertEquals(true, ScaleGoals.check(step).get("met"));

        step.put("late", 12L);
        step.put("window_latency_ms", Map.of("p99", 900.0));
        step.put("max_rss_mb_by_role", Map.of("sensor", 300.0, "server", 150.0));
        Map<String, Object> goals = ScaleGoals.check(step);
        assertEquals(false, goals.get("met"));
        List<?> missed = (List<?>) goals.get("missed");
        assertEquals(3, missed.size(), missed.toString());
        assertTrue(missed.get(0).toString().startsWith("late 12"), missed.toString());
        assertTrue(missed.stream().anyMatch(m -> m.toString().contains("window close -> terminal p99")), missed.toString());
        assertTrue(missed.stream().anyMatch(m -> m.toString().contains("RSS of a sensor")), missed.toString());
    }

    @Test
    void aLatencyWithoutSamplesMissesItsGoal() {
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("lost", 0L);
        step.put("late", 0L);
        step.put("latency_ms", Map.of());
        step.put("window_latency_ms", Map.of("p99", 10.0));
        step.put("max_rss_mb_by_role", Map.of());
        assertFalse((Boolean) ScaleGoals.check(step).get("met"));
    }

    @Test
    void aStepIsSplitIntoFleetProcessesOfAtMostTheBound() {
        assertEquals(1, ScaleCommand.processes(1, 20_000));
        assertEquals(2, ScaleCommand.processes(40, 20_000));
        assertEquals(2, ScaleCommand.processes(30_000, 20_000));
        assertEquals(5, ScaleCommand.processes(100_000, 20_000));
        assertEquals(7, ScaleCommand.processes(100_000, 15_000));
    }

    @Test
    void perfTestTakesThePipelinesShape() {
        List<String> args = PerfTestRunner.arguments("q", true, 20, new PerfTestRunner.Shape(5, 2, 23_000, 8, 1000));
        assertEquals("5", args.get(args.indexOf("-x") + 1));
        assertEquals("2", args.get(args.indexOf("-y") + 1));
        assertEquals("23000", args.get(args.indexOf("-s") + 1), "message bytes");
        assertEquals("8", args.get(args.indexOf("-c") + 1), "confirm window");
        assertEquals("1000", args.get(args.indexOf("-q") + 1), "prefetch");
        assertEquals("persistent", args.get(args.indexOf("-f") + 1));
        assertTrue(args.contains("--quorum-queue"));
    }

    @Test
    void aBatchMessageIsAboutItsRecordsTimesARecordsBytes() {
        int one = MessageSize.bytes(1);
        int hundred = MessageSize.bytes(100);
        assertTrue(one >= MessageSize.PERF_TEST_MINIMUM && one < 100, "one record's message: " + one);
        assertTrue(hundred > 50 * one && hundred < 150 * one, "100 records: " + hundred + " bytes, one: " + one);
    }

    @Test
    void theLargestRssOfEachRoleLeavesSharedProcessesOut() {
        List<Map<String, Object>> processes = List.of(
                Map.of("name", "air-1", "rss_mb", 120.0), Map.of("name", "pollution-2", "rss_mb", 140.0),
                Map.of("name", "server-1", "rss_mb", 100.0), Map.of("name", "redis-server (shared)", "rss_mb", 900.0));
        Map<String, Object> byRole = PipelineRun.maxRssByRole(processes,
                Map.of("air-1", "sensor", "pollution-2", "sensor", "server-1", "server"));
        assertEquals(Map.of("sensor", 140.0, "server", 100.0), byRole);
    }

    @Test
    void aFewRangesMoreThanTheRecordsInFlightAllowAreStillFlatButRealGrowthIsNot() {
        List<Map<String, Object>> samples = new ArrayList<>();
        double[] ranges = {2, 2, 2, 3, 3, 3};
        for (int i = 0; i < ranges.length; i++) {
            Map<String, Object> sample = new LinkedHashMap<>();
            sample.put("t_s", (long) i * 5);
            sample.put("identity_ranges", ranges[i]);
            samples.add(sample);
        }
        // a mean of 2.5 ranges growing by one is 40 % of its mean: a hole of a record in flight, not a leak
        assertEquals(Boolean.TRUE, SoakSampler.trend(samples, s -> (Double) s.get("identity_ranges"), 1024).get("flat"));
        assertEquals(Boolean.FALSE, SoakSampler.trend(samples, s -> (Double) s.get("identity_ranges"), 0).get("flat"));
        for (int i = 0; i < ranges.length; i++) {
            samples.get(i).put("identity_ranges", 2.0 + i * 1000);
        }
        assertEquals(Boolean.FALSE, SoakSampler.trend(samples, s -> (Double) s.get("identity_ranges"), 1024).get("flat"),
                "thousands of ranges more is growth, whatever the records in flight");
    }
}
