package dev.meteo.redis;

import dev.meteo.model.Coefficient;
import dev.meteo.model.CoefficientKind;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.RecordId;
import dev.meteo.model.WindowResult;
import dev.meteo.store.HorizonMovedException;
import dev.meteo.store.LeaseLostException;
import dev.meteo.store.SensorCounts;
import dev.meteo.store.StoreOutcome;
import dev.meteo.store.StoreUnavailableException;
import dev.meteo.store.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Redis store's own contract: idempotency, per-identity rejection counting, isolation, lease, connection settings. */
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

    @Test
    void aBatchWithDuplicatesStoresEachIdentityOnce() {
        Coefficient a = wellness("s", 1, T0, 0.2);
        Coefficient b = wellness("s", 2, T0 + 1, 0.4);
        assertEquals(List.of(StoreOutcome.STORED, StoreOutcome.DUPLICATE, StoreOutcome.STORED, StoreOutcome.DUPLICATE),
                store.storeAll(List.of(a, a, b, b)));
        assertEquals(2, store.storedCount(CoefficientKind.WELLNESS));
        assertEquals(2, store.windowStatistics(CoefficientKind.WELLNESS, T0, T0 + 10).count());
    }

    @Test
    void aRepeatedRecordKeepsItsFirstValueAndTimestamp() {
        store.storeAll(List.of(wellness("s", 1, T0, 0.2)));
        // a redelivery carries the same identity; whatever it says, nothing changes
        assertEquals(List.of(StoreOutcome.DUPLICATE), store.storeAll(List.of(wellness("s", 1, T0 + 5, 0.9))));
        assertEquals(KindStatistics.of(List.of(new KindStatistics.Sample(T0, 0.2))),
                store.windowStatistics(CoefficientKind.WELLNESS, T0, T0 + 10));
    }

    @Test
    void theSameSequenceFromTwoSensorsIsTwoRecords() {
        assertEquals(List.of(StoreOutcome.STORED, StoreOutcome.STORED),
                store.storeAll(List.of(wellness("air-1", 7, T0, 0.1), wellness("air-2", 7, T0, 0.3))));
    }

    @Test
    void aLateRecordStoredTwiceIsCountedLateOnce() {
        store.initialiseHorizon(T0 + 1_000, 1, 0, Long.MIN_VALUE);
        Coefficient late = wellness("s", 1, T0, 0.5);
        assertEquals(List.of(StoreOutcome.LATE), store.storeAll(List.of(late)));
        assertEquals(List.of(StoreOutcome.DUPLICATE), store.storeAll(List.of(late)));
        assertEquals(1, store.lateCount());
        assertEquals(0, store.storedCount(CoefficientKind.WELLNESS));
    }

    @Test
    void rejectionsAreCountedOncePerIdentityWithTheFirstReason() {
        RecordId id = new RecordId("air-1", 3);
        store.recordRejected(id, "humidity 150.0 % is outside 0..100 %");
        store.recordRejected(id, "redelivered");
        store.recordRejected(new RecordId("air-1", 4), "temperature is not a finite number: NaN");
        assertEquals(2, store.rejectedCount());
        assertEquals("humidity 150.0 % is outside 0..100 %", store.rejectionReason(id));
    }

    @Test
    void lateAndRejectedIdentitiesAreForgottenAfterTheirRetentionWhileTheirCountsStayExact() {
        store.initialiseHorizon(T0 + 1_000, 1, 0, Long.MIN_VALUE);
        List<Coefficient> late = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) { // more than one trim call (1,000 per call) of each sort
            late.add(wellness("s", i, T0, 0.5));
            store.recordRejected(new RecordId("bad", i), "humidity out of range");
        }
        store.storeAll(late);
        store.storeAll(List.of(new Coefficient(CoefficientKind.POLLUTION, new RecordId("co2", 1), Instant.ofEpochMilli(T0), 400)));
        assertEquals(2_501, store.lateCount());
        assertEquals(2_500, store.rejectedCount());
        assertEquals(5_001, store.identitiesKept());

        store.trimIdentitiesBefore(store.timeMillis() - 60_000); // classified just now: kept
        assertEquals(5_001, store.identitiesKept());
        assertEquals(List.of(StoreOutcome.DUPLICATE), store.storeAll(List.of(late.get(0))), "still recognised");

        store.trimIdentitiesBefore(store.timeMillis() + 1);
        assertEquals(0, store.identitiesKept());
        assertNull(store.rejectionReason(new RecordId("bad", 0)));
        try (Jedis jedis = new Jedis(URI.create(REDIS_URI))) {
            String prefix = store.settings().effectivePrefix();
            assertEquals(0, jedis.hlen(prefix + "wellness:late") + jedis.hlen(prefix + "pollution:late")
                    + jedis.hlen(prefix + "rejected"), "the identities themselves are gone");
        }
        assertEquals(2_501, store.lateCount(), "the counts do not shrink with the trim");
        assertEquals(2_500, store.rejectedCount());
        assertEquals(2_500, store.sensorCounts().get("bad").rejected());
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
            assertTrue(jedis.exists(prefix + "wellness:ts"));
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

    @Test
    void theLeaseHasOneOwnerUntilItIsReleasedAndItsTimeIsTheStores() {
        assertTrue(store.acquireLease("a", Duration.ofMinutes(1)));
        assertFalse(store.acquireLease("b", Duration.ofMinutes(1)));
        assertTrue(store.acquireLease("a", Duration.ofMinutes(1)), "the owner could not renew");
        assertEquals("a", store.leaseHolder());

        store.releaseLease("b"); // not the owner: no effect
        assertEquals("a", store.leaseHolder());
        store.releaseLease("a");
        assertNull(store.leaseHolder());
        assertTrue(store.acquireLease("b", Duration.ofMinutes(1)));
    }

    @Test
    void aLeaseExpiresByTheStoresClockWhateverTheCallersSay() {
        assertTrue(store.acquireLease("a", Duration.ofMillis(200)));
        assertFalse(store.acquireLease("b", Duration.ofMinutes(1)));
        await().atMost(Duration.ofSeconds(10)).until(() -> store.acquireLease("b", Duration.ofMinutes(1)));
        assertEquals("b", store.leaseHolder());
    }

    @Test
    void closingAWindowNeedsTheLeaseTheExpectedHorizonAndTheStoresTime() {
        store.initialiseHorizon(T0, 1, 0, Long.MIN_VALUE);
        assertTrue(store.acquireLease("a", Duration.ofMinutes(1)));
        assertThrows(LeaseLostException.class, () -> store.closeWindow("b", T0, T0 + 10, T0 + 10));
        assertThrows(HorizonMovedException.class, () -> store.closeWindow("a", T0 + 10, T0 + 20, T0 + 20));
        // a close time an hour from now is not due in the store's time, whatever the caller's clock says
        long inAnHour = System.currentTimeMillis() + 3_600_000;
        assertEquals(WindowStore.CloseOutcome.NOT_DUE, store.closeWindow("a", T0, T0 + 10, inAnHour));
        assertEquals(T0, store.closedHorizon());
        assertEquals(WindowStore.CloseOutcome.CLOSED, store.closeWindow("a", T0, T0 + 10, T0 + 10));
        assertEquals(T0 + 10, store.closedHorizon());
        assertEquals(T0, store.publishedHorizon());
    }

    @Test
    void onlyTheLeaseHolderMovesThePublishedHorizonAndOnlyForward() {
        store.initialiseHorizon(T0, 1, 0, Long.MIN_VALUE);
        assertTrue(store.acquireLease("a", Duration.ofMinutes(1)));
        assertThrows(LeaseLostException.class, () -> store.markPublished("b", T0 + 10));
        store.markPublished("a", T0 + 20);
        store.markPublished("a", T0 + 10); // a stale step: never backwards
        assertEquals(T0 + 20, store.publishedHorizon());
    }

    @Test
    void initialisingTheHorizonTwiceKeepsTheFirstAndWritesOneEpoch() {
        assertNull(store.epoch());
        assertEquals(T0, store.initialiseHorizon(T0, 1, 0, Long.MIN_VALUE));
        String epoch = store.epoch();
        assertNotNull(epoch);
        assertEquals(T0, store.initialiseHorizon(T0 + 50_000, 1, 0, Long.MIN_VALUE));
        assertEquals(T0, store.publishedHorizon());
        assertEquals(epoch, store.epoch());
    }

    @Test
    void theFirstHorizonIsPulledBackToEarlyRecordsButNoFurtherThanTheFloorOlderOnesCountLate() {
        store.storeAll(List.of(wellness("old", 1, T0 - 86_400_000L, 0.5), wellness("recent", 1, T0 - 5_000, 0.5)));
        assertEquals(T0 - 10_000, store.initialiseHorizon(T0, 10_000, 0, T0 - 30_000));
        assertEquals(1, store.lateCount(), "the day-old record is late, not in a window a day back");
        assertEquals(1, store.storedCount(CoefficientKind.WELLNESS));
        assertEquals(new SensorCounts(0, 1, 0), store.sensorCounts().get("old"));
        assertEquals(List.of(StoreOutcome.DUPLICATE), store.storeAll(List.of(wellness("old", 1, T0 - 86_400_000L, 0.5))));
    }

    @Test
    void theFirstClassificationOfARecordWinsWhetherStoredOrRejected() {
        RecordId stored = new RecordId("s", 1);
        store.storeAll(List.of(new Coefficient(CoefficientKind.WELLNESS, stored, Instant.ofEpochMilli(T0), 0.5)));
        assertFalse(store.recordRejected(stored, "a retry judged on another clock"));
        RecordId rejected = new RecordId("s", 2);
        assertTrue(store.recordRejected(rejected, "more than 5 min in the future"));
        assertEquals(List.of(StoreOutcome.DUPLICATE), store.storeAll(List.of(
                new Coefficient(CoefficientKind.POLLUTION, rejected, Instant.ofEpochMilli(T0), 0.5))));
        assertEquals(1, store.rejectedCount());
        assertEquals(1, store.storedCount(CoefficientKind.WELLNESS) + store.storedCount(CoefficientKind.POLLUTION));
        assertEquals(new SensorCounts(1, 0, 1), store.sensorCounts().get("s"));
    }

    @Test
    void aSavedWindowResultKeepsItsFirstContentAndIsTrimmedAfterItsRetention() {
        WindowResult first = new WindowResult(Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 10),
                new KindStatistics(2, 0.25, 0.125, 0.125, 0.375, Instant.ofEpochMilli(T0 + 3)), KindStatistics.EMPTY, 4);
        WindowResult second = new WindowResult(Instant.ofEpochMilli(T0 + 10), Instant.ofEpochMilli(T0 + 20),
                KindStatistics.EMPTY, KindStatistics.EMPTY, 4);
        store.saveResult(first);
        store.saveResult(new WindowResult(first.start(), first.end(), KindStatistics.EMPTY, KindStatistics.EMPTY, 9));
        store.saveResult(second);
        assertEquals(List.of(first, second), store.resultsBetween(T0, T0 + 20));
        assertEquals(List.of(second), store.resultsBetween(T0 + 10, T0 + 30));
        store.trimResultsBefore(T0 + 20);
        assertEquals(List.of(second), store.resultsBetween(Long.MIN_VALUE, Long.MAX_VALUE));
    }
}
