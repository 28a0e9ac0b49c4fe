package dev.meteo.redis;

import dev.meteo.model.Coefficient;
import dev.meteo.model.CoefficientKind;
import dev.meteo.model.RecordId;
import dev.meteo.store.SensorCounts;
import dev.meteo.store.StoreOutcome;
import dev.meteo.store.StoreUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What only the Redis store shows (the port-level behaviour is {@code StoreContractTest}'s, run on Redis by
 * {@code RedisStoreContractTest} in meteo-sdk-testing): a sensor's classified sequences as ranges, the limit and the
 * retirement seen in them, the recent rejections, isolation by key prefix and database, connection settings.
 */
class RedisMeteoStoreTest {

    private static final long T0 = 1_750_000_000_000L;

    /** The real Redis (meteo-sdk-testing's RedisTestSupport does the same for the modules that can depend on it). */
    private static final String REDIS_URI = System.getenv().getOrDefault("METEO_TEST_REDIS_URI", RedisSettings.DEFAULT_URI);

    private final RedisMeteoStore store = freshStore();
    private final List<RedisMeteoStore> others = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        store.deleteAll();
        store.close();
        for (RedisMeteoStore other : others) {
            other.deleteAll();
            other.close();
        }
    }

    private static RedisMeteoStore freshStore() {
        return new RedisMeteoStore(RedisSettings.of(REDIS_URI, "meteo-test:" + UUID.randomUUID() + ":"));
    }

    private RedisMeteoStore other(RedisSettings settings) {
        RedisMeteoStore other = new RedisMeteoStore(settings);
        others.add(other);
        return other;
    }

    private static Coefficient wellness(String sensor, long sequence, long atMillis, double value) {
        return new Coefficient(CoefficientKind.WELLNESS, new RecordId(sensor, sequence), Instant.ofEpochMilli(atMillis), value);
    }

    private static final long FAR_FUTURE = Long.MAX_VALUE / 2;

    /** Trims everything a trim can: every window's statistics and result, every sensorless identity, every idle sensor. */
    private void trimEverything() {
        store.trim(FAR_FUTURE, FAR_FUTURE, Duration.ZERO, Duration.ZERO);
    }

    @Test
    void aCopyIsRecognisedHoweverLateItComesAndASensorInOrderKeepsOneRange() {
        store.initialiseHorizon(T0, 1_000, 0, Long.MIN_VALUE);
        List<Coefficient> records = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            records.add(wellness("s", 1_000_000 + i, T0 + i, 0.5));
        }
        store.storeAll(records);
        assertEquals(List.of(new RedisMeteoStore.SequenceRange(1_000_000, 1_002_499)), store.classifiedSequences("s"));

        trimEverything(); // as if days had passed: windows, results and idle sensors all trimmed
        assertEquals(List.of(StoreOutcome.DUPLICATE, StoreOutcome.DUPLICATE),
                store.storeAll(List.of(records.get(0), records.get(2_499))), "a copy after the retention is a copy");
        assertFalse(store.recordRejected(records.get(7).recordId(), "judged on another clock"));
        assertEquals(0, store.lateCount());
        assertEquals(new SensorCounts(2_500, 0, 0), store.sensorCounts().get("s"));
    }

    @Test
    void recordsArrivingOutOfOrderLeaveHolesThatCloseWhenTheyArrive() {
        store.storeAll(List.of(wellness("s", 1, T0, 0.1), wellness("s", 3, T0, 0.1), wellness("s", 5, T0, 0.1)));
        assertEquals(List.of(new RedisMeteoStore.SequenceRange(1, 1), new RedisMeteoStore.SequenceRange(3, 3),
                new RedisMeteoStore.SequenceRange(5, 5)), store.classifiedSequences("s"));
        assertEquals(List.of(StoreOutcome.STORED, StoreOutcome.DUPLICATE, StoreOutcome.STORED),
                store.storeAll(List.of(wellness("s", 4, T0, 0.1), wellness("s", 3, T0, 0.1), wellness("s", 2, T0, 0.1))));
        assertEquals(List.of(new RedisMeteoStore.SequenceRange(1, 5)), store.classifiedSequences("s"));
    }

    @Test
    void sequencesAtTheEndsOfTheLongRangeAreIdentitiesLikeAnyOther() {
        List<Coefficient> extremes = List.of(wellness("s", Long.MAX_VALUE, T0, 0.1), wellness("s", Long.MIN_VALUE, T0, 0.1),
                wellness("s", -1, T0, 0.1), wellness("s", 0, T0, 0.1), wellness("s", Long.MAX_VALUE - 1, T0, 0.1));
        assertEquals(List.of(StoreOutcome.STORED, StoreOutcome.STORED, StoreOutcome.STORED, StoreOutcome.STORED,
                StoreOutcome.STORED), store.storeAll(extremes));
        assertEquals(List.of(new RedisMeteoStore.SequenceRange(Long.MIN_VALUE, Long.MIN_VALUE),
                new RedisMeteoStore.SequenceRange(-1, 0), new RedisMeteoStore.SequenceRange(Long.MAX_VALUE - 1, Long.MAX_VALUE)),
                store.classifiedSequences("s"));
        assertTrue(store.storeAll(extremes).stream().allMatch(outcome -> outcome == StoreOutcome.DUPLICATE));
        // an attacker's sequence 2^63-1 takes one range: the sensor's ordinary records go on as before
        assertEquals(List.of(StoreOutcome.STORED), store.storeAll(List.of(wellness("s", 1, T0, 0.1))));
    }

    @Test
    void beyondItsRangeLimitASensorGivesUpItsLowestHoleOnly() {
        List<Coefficient> everyOther = new ArrayList<>();
        for (int i = 0; i <= RedisMeteoStore.MAX_RANGES; i++) {
            everyOther.add(wellness("s", 2L * i, T0, 0.1)); // 0, 2, 4, ...: one range each, one more than the limit
        }
        store.storeAll(everyOther);
        List<RedisMeteoStore.SequenceRange> ranges = store.classifiedSequences("s");
        assertEquals(RedisMeteoStore.MAX_RANGES, ranges.size());
        assertEquals(new RedisMeteoStore.SequenceRange(0, 2), ranges.get(0), "the lowest hole (1) was given up");
        assertEquals(1, store.identityFootprint().holesGivenUp());
        assertEquals(List.of(StoreOutcome.STORED), store.storeAll(List.of(wellness("s", 3, T0, 0.1))), "a higher hole is kept");
    }

    @Test
    void anIdleSensorIsRetiredToOneRangeAndStillRecognisesEveryCopy() {
        store.storeAll(List.of(wellness("idle", 10, T0, 0.1), wellness("idle", 20, T0, 0.1)));
        assertEquals(new RedisMeteoStore.IdentityFootprint(1, 2, 0), store.identityFootprint());
        store.trim(Long.MIN_VALUE, Long.MIN_VALUE, Duration.ofHours(1), Duration.ofHours(1));
        assertEquals(2, store.classifiedSequences("idle").size(), "active within the idle time: untouched");

        store.trim(Long.MIN_VALUE, Long.MIN_VALUE, Duration.ofHours(1), Duration.ZERO);
        assertEquals(List.of(new RedisMeteoStore.SequenceRange(10, 20)), store.classifiedSequences("idle"));
        assertEquals(new RedisMeteoStore.IdentityFootprint(1, 1, 1), store.identityFootprint());
        assertEquals(List.of(StoreOutcome.DUPLICATE, StoreOutcome.DUPLICATE),
                store.storeAll(List.of(wellness("idle", 10, T0, 0.1), wellness("idle", 20, T0, 0.1))));
        assertEquals(List.of(StoreOutcome.STORED), store.storeAll(List.of(wellness("idle", 21, T0, 0.1))));
    }

    @Test
    void aRejectionWithoutASensorIsKeptForTheRetentionOnlyItsCountForGood() {
        RecordId undecodable = new RecordId("", 987_654_321);
        assertTrue(store.recordRejected(undecodable, "not a record: truncated message"));
        assertFalse(store.recordRejected(undecodable, "redelivered"));
        assertEquals("not a record: truncated message", store.rejectionReason(undecodable));
        store.trim(Long.MIN_VALUE, Long.MIN_VALUE, Duration.ofHours(1), Duration.ofHours(24));
        assertFalse(store.recordRejected(undecodable, "redelivered"), "within the retention: still known");

        store.trim(Long.MIN_VALUE, Long.MIN_VALUE, Duration.ZERO, Duration.ofHours(24));
        assertTrue(store.recordRejected(undecodable, "redelivered after the retention"), "the one horizon left");
        assertEquals(2, store.rejectedCount());
        assertEquals(List.of("#987654321 redelivered after the retention", "#987654321 not a record: truncated message"),
                store.recentRejections(10));
    }

    @Test
    void twoKeyPrefixesDoNotSeeEachOthersData() {
        RedisMeteoStore neighbour = freshStore();
        others.add(neighbour);
        store.initialiseHorizon(T0 + 60_000, 1, 0, Long.MIN_VALUE);
        store.storeAll(List.of(wellness("s", 1, T0 + 70_000, 0.5)));
        store.recordRejected(new RecordId("s", 2), "bad");
        store.storeAll(List.of(wellness("s", 3, T0, 0.5)));
        assertTrue(store.acquireLease("proxy-a", Duration.ofSeconds(10)));

        assertTrue(neighbour.windowStatistics(CoefficientKind.WELLNESS, T0, T0 + 10).isEmpty());
        assertEquals(0, neighbour.rejectedCount());
        assertEquals(0, neighbour.lateCount());
        assertEquals(Long.MIN_VALUE, neighbour.closedHorizon());
        assertTrue(neighbour.acquireLease("proxy-b", Duration.ofSeconds(10)), "the lease leaked across prefixes");
        // the same record id under the neighbour's prefix is new there
        assertEquals(List.of(StoreOutcome.STORED), neighbour.storeAll(List.of(wellness("s", 1, T0, 0.5))));

        neighbour.deleteAll();
        assertEquals(1, store.storedCount(CoefficientKind.WELLNESS), "deleteAll crossed prefixes");
    }

    @Test
    void everyProxyThatAsksForTheLeaseIsSeenTheHolderAndItsStandbys() {
        assertTrue(store.acquireLease("proxy-a/1", Duration.ofSeconds(10)));
        assertFalse(store.acquireLease("proxy-b/2", Duration.ofSeconds(10)), "a standby");

        Map<String, Long> seen = store.proxiesSeen(Duration.ofSeconds(30));
        assertEquals(java.util.Set.of("proxy-a/1", "proxy-b/2"), seen.keySet());
        assertEquals("proxy-a/1", store.leaseHolder());
        long now = store.timeMillis();
        seen.values().forEach(at -> assertTrue(at <= now && at > now - 30_000, at + " vs the store's time " + now));
        assertTrue(store.usedMemoryBytes() > 0);
        assertTrue(store.roundTrips() >= 5, "every request counted: " + store.roundTrips());
    }

    @Test
    void theDatabaseIndexInTheUriSelectsTheRedisDatabase() {
        String prefix = "meteo-test:" + UUID.randomUUID() + ":";
        URI base = URI.create(REDIS_URI);
        String db5 = "redis://" + base.getRawAuthority() + "/5";
        String db0 = "redis://" + base.getRawAuthority() + "/0";
        RedisMeteoStore inDb5 = other(RedisSettings.of(db5, prefix));
        RedisMeteoStore inDb0 = other(RedisSettings.of(db0, prefix));
        inDb5.storeAll(List.of(wellness("s", 1, T0, 0.5)));

        assertEquals(1, inDb5.storedCount(CoefficientKind.WELLNESS));
        assertEquals(0, inDb0.storedCount(CoefficientKind.WELLNESS));
        try (Jedis jedis = new Jedis(URI.create(db5))) {
            assertTrue(jedis.exists(prefix + "ids"));
        }
    }

    @Test
    void redactedUriHidesThePasswordAndKeepsTheRest() {
        RedisSettings withPassword = RedisSettings.of("redis://:s3cret@redis.example:6380/2", "p:");
        assertFalse(withPassword.redactedUri().contains("s3cret"), withPassword.redactedUri());
        assertEquals("redis://***@redis.example:6380/2", withPassword.redactedUri());
        RedisSettings withUser = RedisSettings.of("redis://meteo:s3cret@redis.example:6380/2", "p:");
        assertEquals("redis://***@redis.example:6380/2", withUser.redactedUri());
        assertEquals("redis://127.0.0.1:6379/0", RedisSettings.defaults().redactedUri());
    }

    @Test
    void aStoreThatCannotConnectSaysWhereWithoutThePassword() {
        // nothing listens on port 1
        RedisSettings unreachable = RedisSettings.of("redis://:s3cret@127.0.0.1:1/0", "p:").withPoolSize(1)
                .withTimeout(Duration.ofMillis(500));
        RedisMeteoStore down = new RedisMeteoStore(unreachable);
        try {
            StoreUnavailableException error = assertThrows(StoreUnavailableException.class, down::ping);
            assertTrue(error.getMessage().contains("127.0.0.1:1"), error.getMessage());
            assertFalse(error.getMessage().contains("s3cret"), error.getMessage());
        } finally {
            down.close();
        }
    }

    @Test
    void onlyRedisUrisAreAccepted() {
        assertThrows(IllegalArgumentException.class, () -> RedisSettings.of("http://127.0.0.1:6379", "p:"));
    }
}
