package dev.meteo.compute;

import dev.meteo.formula.MeteoDataProcessor;
import dev.meteo.formula.ProcessingDelay;
import dev.meteo.model.CoefficientKind;
import dev.meteo.model.InvalidRecordException;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.RawMeteoData;
import dev.meteo.model.RawPollutionData;
import dev.meteo.model.RecordId;
import dev.meteo.model.SensorRecord;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;
import dev.meteo.store.StoreOutcome;
import dev.meteo.store.StoreUnavailableException;
import dev.meteo.testing.MutableClock;
import dev.meteo.testing.RedisTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComputeNodeTest {

    private static final long T0 = 1_750_000_000_000L;
    private static final Instant NOW = Instant.ofEpochMilli(T0);

    private final RedisMeteoStore store = RedisTestSupport.freshStore();
    private final MutableClock clock = MutableClock.at(T0);
    private final List<ComputeNode> nodes = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        nodes.forEach(ComputeNode::close);
        store.deleteAll();
        store.close();
    }

    private ComputeNode node(ComputeSettings settings) {
        ComputeNode node = new ComputeNode(settings, store, clock);
        nodes.add(node);
        return node;
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        CompletionException error = assertThrows(CompletionException.class, future::join);
        return error.getCause();
    }

    @Test
    void anAirRecordIsProcessedIntoAirWellnessAndStored() {
        ComputeNode node = node(ComputeSettings.of("node-1"));
        ComputeNode.Processed processed = node.process(new RawMeteoData("air-1", 1, NOW, 25, 40)).join();

        assertEquals(CoefficientKind.WELLNESS, processed.coefficient().kind());
        assertEquals(0.97, processed.coefficient().value(), 0.01);
        assertEquals(new RecordId("air-1", 1), processed.coefficient().recordId());
        assertEquals(StoreOutcome.STORED, processed.outcome());
        assertEquals(KindStatistics.of(List.of(new KindStatistics.Sample(T0, processed.coefficient().value()))),
                store.windowStatistics(CoefficientKind.WELLNESS, T0, T0 + 1));
        assertTrue(store.windowStatistics(CoefficientKind.POLLUTION, T0, T0 + 1).isEmpty());
    }

    @Test
    void aPollutionRecordIsProcessedIntoThePollutionCoefficientAndStored() {
        ComputeNode node = node(ComputeSettings.of("node-1"));
        ComputeNode.Processed processed = node.process(new RawPollutionData("co2-1", 1, NOW, 350)).join();

        assertEquals(CoefficientKind.POLLUTION, processed.coefficient().kind());
        assertEquals(0.63, processed.coefficient().value(), 0.01);
        assertEquals(1, store.windowStatistics(CoefficientKind.POLLUTION, T0, T0 + 1).count());
        assertTrue(store.windowStatistics(CoefficientKind.WELLNESS, T0, T0 + 1).isEmpty());
    }

    @Test
    void coefficientOfUsesTheFormulaOfTheRecordType() {
        ComputeNode node = node(ComputeSettings.of("node-1"));
        MeteoDataProcessor processor = new MeteoDataProcessor();
        assertEquals(processor.airWellness(12.34, 55.5), node.coefficientOf(new RawMeteoData("a", 1, NOW, 12.34, 55.5)).value());
        assertEquals(processor.pollutionCoefficient(480), node.coefficientOf(new RawPollutionData("p", 1, NOW, 480)).value());
    }

    @Test
    void anInvalidRecordFailsWithItsReasonAndIsCountedRejectedOncePerIdentity() {
        ComputeNode node = node(ComputeSettings.of("node-1"));
        SensorRecord invalid = new RawMeteoData("air-1", 9, NOW, 20, 150);

        Throwable cause = failureOf(node.process(invalid));
        InvalidRecordException rejection = assertInstanceOf(InvalidRecordException.class, cause);
        assertTrue(rejection.getMessage().contains("humidity"), rejection.getMessage());
        assertEquals(new RecordId("air-1", 9), rejection.recordId());
        assertInstanceOf(InvalidRecordException.class, failureOf(node.process(invalid))); // a redelivery

        assertEquals(2, node.stats().rejected());
        assertEquals(java.util.Map.of("humidity", 2L), node.rejectedByField(), "rejections by the field at fault");
        assertEquals(2, node.stats().received());
        assertEquals(1, store.rejectedCount());
        assertEquals(rejection.getMessage(), store.rejectionReason(new RecordId("air-1", 9)));
        assertEquals(0, store.storedCount(CoefficientKind.WELLNESS));
        assertEquals(0, node.stats().processed());
    }

    @Test
    void aBatchGivesEachRecordItsOwnResultInOrderWithOrWithoutADelay() {
        for (ProcessingDelay delay : List.of(ProcessingDelay.NONE, new ProcessingDelay(Duration.ofMillis(10), Duration.ofMillis(50)))) {
            ComputeNode node = node(ComputeSettings.of("node-" + delay.min().toMillis()).withDelay(delay));
            String sensor = "air-batch-" + delay.min().toMillis();
            SensorRecord first = new RawMeteoData(sensor, 1, NOW, 20, 40);
            List<SensorRecord> batch = List.of(first, new RawMeteoData(sensor, 2, NOW, 20, 150), first,
                    new RawPollutionData("co2-" + sensor, 1, NOW, 400));

            List<ComputeNode.Result> results = node.processAll(batch).join();

            assertEquals(batch, results.stream().map(ComputeNode.Result::record).toList());
            // the same record twice: one is stored, the other a duplicate (which one is first depends on the delays)
            assertEquals(java.util.Set.of(StoreOutcome.STORED, StoreOutcome.DUPLICATE), java.util.Set.of(
                    results.get(0).processed().outcome(), results.get(2).processed().outcome()));
            assertTrue(results.get(1).isRejected());
            assertTrue(results.get(1).rejection().contains("humidity"), results.get(1).rejection());
            assertEquals(CoefficientKind.POLLUTION, results.get(3).processed().coefficient().kind());
            ComputeNode.Stats stats = node.stats();
            assertEquals(3, stats.processed());
            assertEquals(2, stats.stored());
            assertEquals(1, stats.duplicates());
            assertEquals(1, stats.rejected());
        }
        assertEquals(2, store.rejectedCount());
    }

    @Test
    void aBatchFailsWholeWhenTheStoreIsDownSoItCanBeSentAgain() {
        RedisMeteoStore down = new RedisMeteoStore(
                RedisSettings.of("redis://127.0.0.1:1/0", "p:").withPoolSize(1).withTimeout(Duration.ofMillis(500)));
        ComputeNode node = new ComputeNode(ComputeSettings.of("node-1"), down, clock);
        try {
            assertInstanceOf(StoreUnavailableException.class, failureOf(node.processAll(List.of(
                    new RawPollutionData("co2-1", 1, NOW, 400), new RawPollutionData("co2-1", 2, NOW, 410)))));
            assertEquals(2, node.stats().failed());
        } finally {
            node.close();
            down.close();
        }
    }

    @Test
    void aNullRecordIsRejectedNotThrown() {
        ComputeNode node = node(ComputeSettings.of("node-1"));
        assertInstanceOf(InvalidRecordException.class, failureOf(node.process(null)));
        assertEquals(1, store.rejectedCount());
    }

    @Test
    void aRepeatedRecordIsADuplicateAndCountedSo() {
        ComputeNode node = node(ComputeSettings.of("node-1"));
        SensorRecord record = new RawPollutionData("co2-1", 4, NOW, 410);
        assertEquals(StoreOutcome.STORED, node.process(record).join().outcome());
        assertEquals(StoreOutcome.DUPLICATE, node.process(record).join().outcome());
        ComputeNode.Stats stats = node.stats();
        assertEquals(2, stats.processed());
        assertEquals(1, stats.stored());
        assertEquals(1, stats.duplicates());
    }

    @Test
    void aSimulatedDelayIsWaitedConcurrentlyOnOneTimerThreadNotOneThreadPerRecord() {
        Duration delay = Duration.ofSeconds(1);
        ComputeNode node = node(ComputeSettings.of("slow-node").withDelay(new ProcessingDelay(delay, delay)));
        List<CompletableFuture<ComputeNode.Processed>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            futures.add(node.process(new RawPollutionData("co2-1", i, NOW, 400)));
        }
        // process() returned for all 200 without waiting: they are all in the delay phase at once
        assertEquals(200, futures.stream().filter(f -> !f.isDone()).count());
        long delayThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("compute-slow-node-delay")).count();
        assertEquals(1, delayThreads);

        await().atMost(30, TimeUnit.SECONDS).until(() -> futures.stream().allMatch(CompletableFuture::isDone));
        assertTrue(futures.stream().allMatch(f -> f.join().outcome() == StoreOutcome.STORED));
        assertEquals(200, node.stats().stored());
        assertEquals(200, store.storedCount(CoefficientKind.POLLUTION));
    }

    @Test
    void closingStoresWhatIsAlreadyQueued() {
        ComputeNode node = node(ComputeSettings.of("node-1"));
        List<CompletableFuture<ComputeNode.Processed>> futures = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            futures.add(node.process(new RawMeteoData("air-1", i, NOW, 20, 40)));
        }
        node.close();
        assertTrue(futures.stream().allMatch(CompletableFuture::isDone));
        assertEquals(500, store.storedCount(CoefficientKind.WELLNESS));
    }

    @Test
    void anUnreachableStoreFailsTheRecordSoItCanBeRetriedElsewhere() {
        RedisMeteoStore down = new RedisMeteoStore(
                RedisSettings.of("redis://127.0.0.1:1/0", "p:").withPoolSize(1).withTimeout(Duration.ofMillis(500)));
        ComputeNode node = new ComputeNode(ComputeSettings.of("node-1"), down, clock);
        try {
            assertInstanceOf(StoreUnavailableException.class,
                    failureOf(node.process(new RawPollutionData("co2-1", 1, NOW, 400))));
            assertEquals(1, node.stats().failed());
        } finally {
            node.close();
            down.close();
        }
    }

    @Test
    void aRecordWhoseCallerGaveUpIsNotStoredAndCountedAbandonedNotFailed() {
        ComputeNode node = node(ComputeSettings.of("node-1"));
        CompletableFuture<ComputeNode.Processed> one = node.process(new RawMeteoData("air-1", 1, NOW, 25, 40), () -> false);
        CompletableFuture<List<ComputeNode.Result>> batch = node.processAll(List.of(
                new RawMeteoData("air-1", 2, NOW, 25, 40), new RawPollutionData("co2-1", 1, NOW, 350)), () -> false);

        assertInstanceOf(java.util.concurrent.CancellationException.class, failureOf(one));
        assertInstanceOf(java.util.concurrent.CancellationException.class, failureOf(batch));
        assertEquals(0, store.storedCount(CoefficientKind.WELLNESS) + store.storedCount(CoefficientKind.POLLUTION));
        assertEquals(3, node.stats().abandoned());
        assertEquals(0, node.stats().failed());
        // the same records, still wanted (a retry elsewhere), are stored as new: nothing was half-done
        assertEquals(StoreOutcome.STORED, node.process(new RawMeteoData("air-1", 1, NOW, 25, 40)).join().outcome());
    }
}
