package dev.meteo.window;

import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.model.RawMeteoData;
import dev.meteo.model.SensorRecord;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.store.SensorCounts;
import dev.meteo.store.StoreOutcome;
import dev.meteo.testing.Closer;
import dev.meteo.testing.MutableClock;
import dev.meteo.testing.RecordingPublisher;
import dev.meteo.testing.RedisTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A copy of a record is recognised however late it comes: long after its window closed and its statistics were
 * trimmed (the retention), and an hour later by the compute server's clock, it is a duplicate, not late.
 */
class CopiesAfterTheRetentionTest {

    private final Closer closer = new Closer();

    @AfterEach
    void tearDown() {
        closer.close();
    }

    @Test
    void aRecordSentAgainAnHourLaterIsADuplicateNotLate() {
        RedisMeteoStore store = closer.add(RedisTestSupport.freshStore());
        closer.add(store::deleteAll);
        MutableClock serverClock = MutableClock.at(System.currentTimeMillis());
        ComputeNode node = closer.add(new ComputeNode(ComputeSettings.of("server-1"), store, serverClock));
        SensorRecord record = new RawMeteoData("air-1", 1_000_000, serverClock.instant(), 20, 50);
        assertEquals(StoreOutcome.STORED, node.process(record).join().outcome());

        // the deployment goes on: windows of 100 ms close past the record, and the retention of one window trims its
        // window's statistics
        WindowSpec window = WindowSpec.of(Duration.ofMillis(100), Duration.ZERO);
        WindowAggregator aggregator = closer.add(new WindowAggregator(AggregatorSettings.of(window, "proxy")
                .withRetentionWindows(1), store, new RecordingPublisher(), Clock.systemUTC())).start();
        long windowStart = window.windowStart(record.detectedAt().toEpochMilli());
        await().atMost(Duration.ofSeconds(10)).until(() -> store.closedHorizon() > windowStart + 5 * window.sizeMillis());
        await().atMost(Duration.ofSeconds(10)).until(() -> store.storedCount(record.kind()) == 0);

        serverClock.advance(Duration.ofHours(1));
        assertEquals(StoreOutcome.DUPLICATE, node.process(record).join().outcome());
        assertEquals(0, store.lateCount());
        assertEquals(new SensorCounts(1, 0, 0), store.sensorCounts().get("air-1"));
        assertTrue(aggregator.stats().windowsEmitted() > 5, "the aggregator published windows meanwhile");
    }
}
