package dev.meteo.testing;

import dev.meteo.model.Coefficient;
import dev.meteo.model.CoefficientKind;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.RecordId;
import dev.meteo.model.WindowResult;
import dev.meteo.store.CoefficientStore;
import dev.meteo.store.HorizonMovedException;
import dev.meteo.store.LeaseLostException;
import dev.meteo.store.SensorCounts;
import dev.meteo.store.StoreOutcome;
import dev.meteo.store.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store contract, written once (as Micrometer's compatibility kit): what {@link CoefficientStore} and
 * {@link WindowStore} promise, through the ports alone, so that every store (Redis, Redis Cluster, the in-memory one)
 * is held to the same behaviour. A store's test extends this class and says how to make a fresh, empty store whose
 * clock is the system's: {@code docs/redis-keys.md} and {@code docs/window-semantics.md} describe the behaviour.
 */
public abstract class StoreContractTest {

    /** A store under test: both ports (usually one object) and what removes what the test left. */
    public record Stores(CoefficientStore coefficients, WindowStore windows, Runnable cleanUp) {
    }

    private static final long T0 = 1_750_000_000_000L;
    private static final long FAR_FUTURE = Long.MAX_VALUE / 2;
    /** Ranges of classified sequences a sensor keeps at most (the same in every store). */
    protected static final int MAX_RANGES = 16_384;

    /** A fresh, empty store on the system clock. */
    protected abstract Stores createStores();

    private Stores stores;
    private CoefficientStore coefficients;
    private WindowStore windows;

    @BeforeEach
    void createStore() {
        stores = createStores();
        coefficients = stores.coefficients();
        windows = stores.windows();
    }

    @AfterEach
    void removeStore() {
        stores.cleanUp().run();
    }

    private static Coefficient wellness(String sensor, long sequence, long atMillis, double value) {
        return new Coefficient(CoefficientKind.WELLNESS, new RecordId(sensor, sequence), Instant.ofEpochMilli(atMillis), value);
    }

    private List<StoreOutcome> store(Coefficient... batch) {
        return coefficients.storeAll(List.of(batch));
    }

    /** Trims everything a trim can: every window's statistics and result, every sensorless identity, every idle sensor. */
    private void trimEverything() {
        windows.trim(FAR_FUTURE, FAR_FUTURE, Duration.ZERO, Duration.ZERO);
    }

    @Test
    void aBatchWithDuplicatesStoresEachIdentityOnce() {
        windows.initialiseHorizon(T0, 10, 0, Long.MIN_VALUE);
        Coefficient a = wellness("s", 1, T0, 0.2);
        Coefficient b = wellness("s", 2, T0 + 1, 0.4);
        assertEquals(List.of(StoreOutcome.STORED, StoreOutcome.DUPLICATE, StoreOutcome.STORED, StoreOutcome.DUPLICATE),
                store(a, a, b, b));
        assertEquals(2, windows.windowStatistics(CoefficientKind.WELLNESS, T0, T0 + 10).count());
        assertEquals(new SensorCounts(2, 0, 0), windows.sensorCounts().get("s"));
    }

    @Test
    void aCopyKeepsTheFirstValueAndTimestamp() {
        store(wellness("s", 1, T0, 0.2));
        assertEquals(List.of(StoreOutcome.DUPLICATE), store(wellness("s", 1, T0 + 5, 0.9)));
        assertEquals(KindStatistics.of(List.of(new KindStatistics.Sample(T0, 0.2))),
                windows.windowStatistics(CoefficientKind.WELLNESS, T0, T0 + 10));
    }

    @Test
    void theSameSequenceFromTwoSensorsIsTwoRecords() {
        assertEquals(List.of(StoreOutcome.STORED, StoreOutcome.STORED),
                store(wellness("air-1", 7, T0, 0.1), wellness("air-2", 7, T0, 0.3)));
    }

    @Test
    void aLateRecordStoredTwiceIsCountedLateOnce() {
        windows.initialiseHorizon(T0 + 1_000, 1, 0, Long.MIN_VALUE);
        Coefficient late = wellness("s", 1, T0, 0.5);
        assertEquals(List.of(StoreOutcome.LATE), store(late));
        assertEquals(List.of(StoreOutcome.DUPLICATE), store(late));
        assertEquals(1, windows.lateCount());
        assertEquals(new SensorCounts(0, 1, 0), windows.sensorCounts().get("s"));
    }

    @Test
    void aRejectionIsCountedOncePerIdentityAndTheFirstClassificationWins() {
        RecordId id = new RecordId("air-1", 3);
        assertTrue(coefficients.recordRejected(id, "humidity 150.0 % is outside 0..100 %"));
        assertFalse(coefficients.recordRejected(id, "redelivered"));
        assertEquals(List.of(StoreOutcome.DUPLICATE), store(wellness("air-1", 3, T0, 0.5)), "rejected, then valid");
        store(wellness("air-1", 4, T0, 0.5));
        assertFalse(coefficients.recordRejected(new RecordId("air-1", 4), "judged on another clock"), "stored, then invalid");
        assertEquals(1, windows.rejectedCount());
        assertEquals(new SensorCounts(1, 0, 1), windows.sensorCounts().get("air-1"));
    }

    @Test
    void aCopyIsRecognisedHoweverLateItComes() {
        windows.initialiseHorizon(T0, 1_000, 0, Long.MIN_VALUE);
        List<Coefficient> records = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            records.add(wellness("s", 1_000_000 + i, T0 + i, 0.5));
        }
        coefficients.storeAll(records);

        trimEverything(); // as if days had passed: windows, results and idle sensors all trimmed
        assertEquals(List.of(StoreOutcome.DUPLICATE, StoreOutcome.DUPLICATE), store(records.get(0), records.get(599)));
        assertFalse(coefficients.recordRejected(records.get(7).recordId(), "judged on another clock"));
        assertEquals(0, windows.lateCount());
        assertEquals(new SensorCounts(600, 0, 0), windows.sensorCounts().get("s"));
    }

    @Test
    void recordsArrivingOutOfOrderAreEachClassifiedOnce() {
        assertEquals(List.of(StoreOutcome.STORED, StoreOutcome.STORED, StoreOutcome.STORED),
                store(wellness("s", 5, T0, 0.1), wellness("s", 1, T0, 0.1), wellness("s", 3, T0, 0.1)));
        assertEquals(List.of(StoreOutcome.STORED, StoreOutcome.DUPLICATE, StoreOutcome.STORED),
                store(wellness("s", 4, T0, 0.1), wellness("s", 3, T0, 0.1), wellness("s", 2, T0, 0.1)));
        for (long sequence = 1; sequence <= 5; sequence++) {
            assertEquals(List.of(StoreOutcome.DUPLICATE), store(wellness("s", sequence, T0, 0.1)), "sequence " + sequence);
        }
        assertEquals(List.of(StoreOutcome.STORED), store(wellness("s", 6, T0, 0.1)));
    }

    @Test
    void everyLongIsASequence() {
        List<Coefficient> extremes = List.of(wellness("s", Long.MAX_VALUE, T0, 0.1), wellness("s", Long.MIN_VALUE, T0, 0.1),
                wellness("s", -1, T0, 0.1), wellness("s", 0, T0, 0.1), wellness("s", Long.MAX_VALUE - 1, T0, 0.1),
                wellness("s", Long.MIN_VALUE + 1, T0, 0.1), wellness("s", 1L << 53, T0, 0.1), wellness("s", (1L << 53) + 1, T0, 0.1));
        assertTrue(coefficients.storeAll(extremes).stream().allMatch(outcome -> outcome == StoreOutcome.STORED));
        assertTrue(coefficients.storeAll(extremes).stream().allMatch(outcome -> outcome == StoreOutcome.DUPLICATE));
        assertEquals(List.of(StoreOutcome.STORED, StoreOutcome.STORED), store(wellness("s", 1, T0, 0.1),
                wellness("s", (1L << 53) + 2, T0, 0.1)), "neighbours of the extremes are records of their own");
    }

    @Test
    void aSensorWithThousandsOfRecordsOutOfOrderLosesNone() {
        List<Coefficient> evens = new ArrayList<>();
        List<Coefficient> odds = new ArrayList<>();
        for (int i = 0; i < 4_096; i++) { // two servers, one far behind the other: every other record overtaken
            (i % 2 == 0 ? evens : odds).add(wellness("s", i, T0, 0.1));
        }
        assertTrue(coefficients.storeAll(odds).stream().allMatch(outcome -> outcome == StoreOutcome.STORED));
        assertTrue(coefficients.storeAll(evens).stream().allMatch(outcome -> outcome == StoreOutcome.STORED),
                "a record that was overtaken is stored when it arrives, not taken for a copy");
        assertEquals(new SensorCounts(4_096, 0, 0), windows.sensorCounts().get("s"));
    }

    @Test
    void beyondItsRangeLimitASensorGivesUpItsLowestHoleOnly() {
        List<Coefficient> everyOther = new ArrayList<>();
        for (int i = 0; i <= MAX_RANGES; i++) {
            everyOther.add(wellness("s", 2L * i, T0, 0.1)); // 0, 2, 4, ...: one range each, one more than the limit
        }
        coefficients.storeAll(everyOther);
        assertEquals(List.of(StoreOutcome.DUPLICATE), store(wellness("s", 1, T0, 0.1)), "the lowest hole was given up");
        assertEquals(List.of(StoreOutcome.STORED), store(wellness("s", 3, T0, 0.1)), "a higher hole is kept");
    }

    @Test
    void anIdleSensorIsRetiredToOneRangeAndStillRecognisesEveryCopy() {
        store(wellness("idle", 10, T0, 0.1), wellness("idle", 20, T0, 0.1));
        windows.trim(Long.MIN_VALUE, Long.MIN_VALUE, Duration.ofHours(1), Duration.ofHours(1));
        assertEquals(List.of(StoreOutcome.STORED), store(wellness("idle", 15, T0, 0.1)), "active: its holes are kept");

        windows.trim(Long.MIN_VALUE, Long.MIN_VALUE, Duration.ofHours(1), Duration.ZERO);
        assertEquals(List.of(StoreOutcome.DUPLICATE, StoreOutcome.DUPLICATE, StoreOutcome.DUPLICATE),
                store(wellness("idle", 10, T0, 0.1), wellness("idle", 12, T0, 0.1), wellness("idle", 20, T0, 0.1)),
                "retired: its copies recognised, the holes below its last sequence given up");
        assertEquals(List.of(StoreOutcome.STORED), store(wellness("idle", 21, T0, 0.1)));
        assertEquals(new SensorCounts(4, 0, 0), windows.sensorCounts().get("idle"));
    }

    @Test
    void aRejectionWithoutASensorIsKeptForTheRetentionOnlyItsCountForGood() {
        RecordId undecodable = new RecordId("", 987_654_321);
        assertTrue(coefficients.recordRejected(undecodable, "not a record: truncated message"));
        assertFalse(coefficients.recordRejected(undecodable, "redelivered"));
        windows.trim(Long.MIN_VALUE, Long.MIN_VALUE, Duration.ofHours(1), Duration.ofHours(24));
        assertFalse(coefficients.recordRejected(undecodable, "redelivered"), "within the retention: still known");

        windows.trim(Long.MIN_VALUE, Long.MIN_VALUE, Duration.ZERO, Duration.ofHours(24));
        assertTrue(coefficients.recordRejected(undecodable, "redelivered after the retention"), "the one horizon left");
        assertEquals(2, windows.rejectedCount());
        assertFalse(windows.sensorCounts().containsKey(""), "it belongs to no sensor");
    }

    @Test
    void theLeaseHasOneOwnerUntilItIsReleased() {
        assertTrue(windows.acquireLease("a", Duration.ofMinutes(1)));
        assertFalse(windows.acquireLease("b", Duration.ofMinutes(1)));
        assertTrue(windows.acquireLease("a", Duration.ofMinutes(1)), "the owner could not renew");
        assertEquals("a", windows.leaseHolder());
        windows.releaseLease("b"); // not the owner: no effect
        assertEquals("a", windows.leaseHolder());
        windows.releaseLease("a");
        assertNull(windows.leaseHolder());
        assertTrue(windows.acquireLease("b", Duration.ofMinutes(1)));
    }

    @Test
    void aLeaseExpiresByTheStoresClock() {
        assertTrue(windows.acquireLease("a", Duration.ofMillis(200)));
        assertFalse(windows.acquireLease("b", Duration.ofMinutes(1)));
        await().atMost(Duration.ofSeconds(10)).until(() -> windows.acquireLease("b", Duration.ofMinutes(1)));
        assertEquals("b", windows.leaseHolder());
    }

    @Test
    void closingAWindowNeedsTheLeaseTheExpectedHorizonAndTheStoresTime() {
        windows.initialiseHorizon(T0, 1, 0, Long.MIN_VALUE);
        assertTrue(windows.acquireLease("a", Duration.ofMinutes(1)));
        assertThrows(LeaseLostException.class, () -> windows.closeWindow("b", T0, T0 + 10, T0 + 10));
        assertThrows(HorizonMovedException.class, () -> windows.closeWindow("a", T0 + 10, T0 + 20, T0 + 20));
        long inAnHour = System.currentTimeMillis() + 3_600_000;
        assertEquals(WindowStore.CloseOutcome.NOT_DUE, windows.closeWindow("a", T0, T0 + 10, inAnHour));
        assertEquals(T0, windows.closedHorizon());
        assertEquals(WindowStore.CloseOutcome.CLOSED, windows.closeWindow("a", T0, T0 + 10, T0 + 10));
        assertEquals(T0 + 10, windows.closedHorizon());
        assertEquals(T0, windows.publishedHorizon());
    }

    @Test
    void onlyTheLeaseHolderMovesThePublishedHorizonAndOnlyForward() {
        windows.initialiseHorizon(T0, 1, 0, Long.MIN_VALUE);
        assertTrue(windows.acquireLease("a", Duration.ofMinutes(1)));
        assertThrows(LeaseLostException.class, () -> windows.markPublished("b", T0 + 10));
        windows.markPublished("a", T0 + 20);
        windows.markPublished("a", T0 + 10); // a stale step: never backwards
        assertEquals(T0 + 20, windows.publishedHorizon());
    }

    @Test
    void initialisingTheHorizonTwiceKeepsTheFirstAndWritesOneEpoch() {
        assertNull(windows.epoch());
        assertEquals(Long.MIN_VALUE, windows.closedHorizon());
        assertEquals(T0, windows.initialiseHorizon(T0, 1, 0, Long.MIN_VALUE));
        String epoch = windows.epoch();
        assertNotNull(epoch);
        assertEquals(T0, windows.initialiseHorizon(T0 + 50_000, 1, 0, Long.MIN_VALUE));
        assertEquals(T0, windows.publishedHorizon());
        assertEquals(epoch, windows.epoch());
        assertEquals(1, windows.windowSizeMillis());
    }

    @Test
    void theFirstProxyWritesTheDeploymentsWindowSizeAndGraceWhichALaterOneCannotChange() {
        assertEquals(0, windows.windowSizeMillis(), "no window size before the first proxy");
        assertEquals(-1, windows.graceMillis(), "no grace before the first proxy");
        windows.initialiseHorizon(T0, 10, 4_000, Long.MIN_VALUE);
        assertEquals(10, windows.windowSizeMillis());
        assertEquals(4_000, windows.graceMillis());
        windows.initialiseHorizon(T0, 20, 1_000, Long.MIN_VALUE); // a later proxy, other flags: the facts stay
        assertEquals(10, windows.windowSizeMillis());
        assertEquals(4_000, windows.graceMillis());
    }

    @Test
    void theFirstHorizonIsPulledBackToEarlyRecordsButNoFurtherThanTheFloorOlderOnesCountLate() {
        store(wellness("old", 1, T0 - 86_400_000L, 0.5), wellness("recent", 1, T0 - 5_000, 0.5));
        assertEquals(T0 - 10_000, windows.initialiseHorizon(T0, 10_000, 0, T0 - 30_000));
        assertEquals(1, windows.lateCount(), "the day-old record is late, not in a window a day back");
        assertEquals(1, windows.windowStatistics(CoefficientKind.WELLNESS, T0 - 10_000, T0).count());
        assertEquals(new SensorCounts(0, 1, 0), windows.sensorCounts().get("old"));
        assertEquals(List.of(StoreOutcome.DUPLICATE), store(wellness("old", 1, T0 - 86_400_000L, 0.5)));
    }

    @Test
    void aRangeThatIsNotOneOfTheDeploymentsWindowsIsRefused() {
        windows.initialiseHorizon(T0, 10, 0, Long.MIN_VALUE);
        assertThrows(IllegalArgumentException.class, () -> windows.windowStatistics(CoefficientKind.WELLNESS, T0, T0 + 20));
        assertThrows(IllegalArgumentException.class, () -> windows.windowStatistics(CoefficientKind.WELLNESS, T0 + 1, T0 + 11));
    }

    @Test
    void closingAWindowSavesItsResultWhichTheTrimForgetsAfterItsRetention() {
        store(wellness("s", 1, T0 + 1, 0.125), wellness("s", 2, T0 + 3, 0.375));
        windows.initialiseHorizon(T0, 10, 0, Long.MIN_VALUE);
        store(wellness("s", 3, T0 - 1, 0.5)); // late
        assertTrue(windows.acquireLease("a", Duration.ofMinutes(1)));
        windows.closeWindow("a", T0, T0 + 10, T0 + 10);
        windows.closeWindow("a", T0 + 10, T0 + 20, T0 + 20);
        store(wellness("s", 4, T0 + 5, 0.9)); // late too: the saved result does not change

        WindowResult first = new WindowResult(Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 10),
                new KindStatistics(2, 0.25, 0.125, 0.125, 0.375, Instant.ofEpochMilli(T0 + 3)), KindStatistics.EMPTY, 1);
        WindowResult second = new WindowResult(Instant.ofEpochMilli(T0 + 10), Instant.ofEpochMilli(T0 + 20),
                KindStatistics.EMPTY, KindStatistics.EMPTY, 1);
        assertEquals(List.of(first, second), windows.resultsBetween(T0, T0 + 20));
        assertEquals(List.of(second), windows.resultsBetween(T0 + 10, T0 + 30));
        windows.trim(Long.MIN_VALUE, T0 + 20, Duration.ofHours(1), Duration.ofHours(24));
        assertEquals(List.of(second), windows.resultsBetween(Long.MIN_VALUE, Long.MAX_VALUE));
        windows.trim(T0 + 10, Long.MIN_VALUE, Duration.ofHours(1), Duration.ofHours(24));
        assertEquals(KindStatistics.EMPTY, windows.windowStatistics(CoefficientKind.WELLNESS, T0, T0 + 10),
                "the window's statistics trimmed");
        assertEquals(2, windows.lateCount(), "the counts do not shrink with the trim");
    }
}
