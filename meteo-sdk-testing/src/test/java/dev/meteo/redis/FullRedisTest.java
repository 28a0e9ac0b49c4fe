package dev.meteo.redis;

import dev.meteo.model.Coefficient;
import dev.meteo.model.CoefficientKind;
import dev.meteo.model.RecordId;
import dev.meteo.store.StoreOutcome;
import dev.meteo.store.StoreUnavailableException;
import dev.meteo.store.WindowStore;
import dev.meteo.testing.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A Redis at {@code maxmemory} with {@code noeviction} (a {@code redis-server} of the test's own): a store is refused
 * and changes nothing (the caller retries), while the proxy's scripts (lease, close, published, trim) go on, so the
 * deployment keeps closing windows and trimming and stores succeed again by themselves once memory is free.
 */
class FullRedisTest {

    private static final long T0 = 1_750_000_000_000L;
    private static final long Y = 1_000;

    @TempDir
    static Path dir;

    private static RedisProcess redis;

    @BeforeAll
    static void startRedis() {
        assumeTrue(RedisProcess.available(), "needs redis-server on the PATH to fill a Redis of its own");
        redis = RedisProcess.start(dir, "--maxmemory-policy", "noeviction");
    }

    @AfterAll
    static void stopRedis() throws InterruptedException {
        if (redis != null) {
            redis.close();
        }
    }

    private static Coefficient wellness(String sensor, long sequence, long at) {
        return new Coefficient(CoefficientKind.WELLNESS, new RecordId(sensor, sequence), Instant.ofEpochMilli(at), 0.5);
    }

    @Test
    void aFullRedisRefusesStoresUntouchedWhileTheProxyKeepsClosingAndTrimmingAndStoresResumeOnceMemoryIsFree() {
        try (RedisMeteoStore store = new RedisMeteoStore(RedisSettings.of(redis.uri(), "full:"));
             Jedis jedis = redis.connect()) {
            store.initialiseHorizon(T0, Y, 0, Long.MIN_VALUE);
            assertTrue(store.acquireLease("proxy", Duration.ofMinutes(1)));
            store.storeAll(List.of(wellness("s", 1, T0 + 10), wellness("s", 2, T0 + Y + 10)));
            redis.fillMemory(1024 * 1024);
            JedisDataException full = assertThrows(JedisDataException.class, () -> jedis.set("probe", "x"));
            assertTrue(full.getMessage().startsWith("OOM"), full.getMessage());

            StoreUnavailableException refused = assertThrows(StoreUnavailableException.class,
                    () -> store.storeAll(List.of(wellness("s", 3, T0 + 20), wellness("new-sensor", 1, T0 + 20))));
            assertTrue(refused.getMessage().contains("full"), refused.getMessage());
            assertEquals(List.of(new RedisMeteoStore.SequenceRange(1, 2)), store.classifiedSequences("s"), "nothing changed");
            assertEquals(List.of(), store.classifiedSequences("new-sensor"));
            assertThrows(StoreUnavailableException.class, () -> store.recordRejected(new RecordId("s", 4), "bad"));

            // the proxy's scripts go on: lease, close (with its result), published, trim
            assertTrue(store.acquireLease("proxy", Duration.ofMinutes(1)));
            assertEquals(WindowStore.CloseOutcome.CLOSED, store.closeWindow("proxy", T0, T0 + Y, T0 + Y));
            assertEquals(WindowStore.CloseOutcome.CLOSED, store.closeWindow("proxy", T0 + Y, T0 + 2 * Y, T0 + 2 * Y));
            store.markPublished("proxy", T0 + 2 * Y);
            assertEquals(1, store.resultsBetween(T0, T0 + Y).get(0).wellness().count());
            store.trim(T0 + Y, T0 + Y + 1, Duration.ofHours(1), Duration.ofHours(24));
            assertEquals(0, store.windowStatistics(CoefficientKind.WELLNESS, T0, T0 + Y).count(), "trimmed");
            assertEquals(1, store.resultsBetween(Long.MIN_VALUE, Long.MAX_VALUE).size(), "the first result trimmed");
            assertEquals(T0 + 2 * Y, store.closedHorizon());

            redis.freeMemory(); // the load drops: no restart, no reset
            assertEquals(List.of(StoreOutcome.LATE, StoreOutcome.STORED), store.storeAll(List.of(
                    wellness("s", 3, T0 + 20), wellness("new-sensor", 1, T0 + 2 * Y + 20))));
            assertTrue(store.recordRejected(new RecordId("s", 4), "bad"));
        }
    }
}
