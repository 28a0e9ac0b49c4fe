package dev.meteo.window;

import dev.meteo.model.Coefficient;
import dev.meteo.model.CoefficientKind;
import dev.meteo.model.RecordId;
import dev.meteo.model.WindowResult;
import dev.meteo.store.StoreOutcome;
import dev.meteo.testing.InMemoryStore;
import dev.meteo.testing.MutableClock;
import dev.meteo.testing.RecordingPublisher;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code docs/window-semantics.md}, driven by a manual clock: no sleeping, every step is an explicit
 * {@link WindowAggregator#emitDue()}. On the in-memory store, which passes the same store contract as Redis
 * ({@code StoreContractTest}), so these run in milliseconds; the Redis store is held to the contract, and the
 * aggregator runs on Redis in the end-to-end tests.
 */
class WindowAggregatorTest {

    private static final long Y = 10_000;
    private static final long GRACE = 2_000;
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Duration SHORT_TTL = Duration.ofMillis(300);
    /** A window boundary: a multiple of Y. */
    private static final long T0 = 1_750_000_000_000L;
    private static final WindowSpec WINDOW = WindowSpec.of(Duration.ofMillis(Y), Duration.ofMillis(GRACE));

    /** The store runs on the real clock, as Redis does: far ahead of the test's manual clock, so closes are due. */
    private final InMemoryStore store = new InMemoryStore();
    private final MutableClock clock = MutableClock.at(T0 + GRACE);
    private final RecordingPublisher publisher = new RecordingPublisher();
    private long sequence;

    private WindowAggregator aggregator(String owner, RecordingPublisher to) {
        return aggregator(owner, to, 10);
    }

    private WindowAggregator aggregator(String owner, RecordingPublisher to, int retentionWindows) {
        AggregatorSettings settings = AggregatorSettings.of(WINDOW, owner)
                .withLease(TTL, Duration.ofSeconds(1)).withRetentionWindows(retentionWindows);
        return new WindowAggregator(settings, store, to, clock);
    }

    /** An aggregator whose lease lapses quickly (in the store's real time), for takeover after a crash. */
    private WindowAggregator shortLeased(String owner, RecordingPublisher to) {
        AggregatorSettings settings = AggregatorSettings.of(WINDOW, owner).withLease(SHORT_TTL, Duration.ofMillis(100));
        return new WindowAggregator(settings, store, to, clock);
    }

    /** Steps {@code aggregator} until it leads: the lease of a crashed one runs out in the store's time. */
    private static void awaitLeadership(WindowAggregator aggregator) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            aggregator.emitDue();
            return aggregator.isLeader();
        });
    }

    /**
     * An aggregator that has started with the clock at {@code T0 + GRACE}, so its first open window is
     * {@code [T0, T0 + Y)}.
     */
    private WindowAggregator startedAggregator() {
        WindowAggregator aggregator = aggregator("proxy-a", publisher);
        assertEquals(0, aggregator.emitDue());
        return aggregator;
    }

    private Coefficient coefficient(CoefficientKind kind, long detectedAtMillis, double value) {
        return new Coefficient(kind, new RecordId("sensor-" + kind.label(), ++sequence), Instant.ofEpochMilli(detectedAtMillis), value);
    }

    private StoreOutcome store(Coefficient coefficient) {
        return store.storeAll(List.of(coefficient)).get(0);
    }

    private StoreOutcome storeWellness(long detectedAtMillis, double value) {
        return store(coefficient(CoefficientKind.WELLNESS, detectedAtMillis, value));
    }

    /** Moves the clock to the close time of window k (counted from T0) and runs one step. */
    private int stepToCloseOfWindow(WindowAggregator aggregator, int k) {
        clock.setMillis(T0 + (k + 1) * Y + GRACE);
        return aggregator.emitDue();
    }

    private static void assertContiguousFrom(long firstStart, List<WindowResult> results) {
        long expectedStart = firstStart;
        for (WindowResult result : results) {
            assertEquals(Instant.ofEpochMilli(expectedStart), result.start(), "windows skipped or repeated: " + results);
            assertEquals(Instant.ofEpochMilli(expectedStart + Y), result.end());
            expectedStart += Y;
        }
    }

    @Test
    void aProxyWithAnotherWindowSizeStopsBeforeClosingAWindowOfTheDeployment() throws InterruptedException {
        WindowAggregator first = startedAggregator();
        storeWellness(T0 + 1_000, 0.2);
        stepToCloseOfWindow(first, 0);
        first.close();
        long closed = store.closedHorizon();

        AggregatorSettings halfSize = AggregatorSettings.of(WindowSpec.of(Duration.ofMillis(Y / 2), Duration.ofMillis(GRACE)),
                "proxy-b").withLease(TTL, Duration.ofSeconds(1));
        WindowAggregator other = new WindowAggregator(halfSize, store, publisher, clock);
        clock.setMillis(T0 + 5 * Y);
        IllegalStateException refused = assertThrows(IllegalStateException.class, other::emitDue);
        assertTrue(refused.getMessage().contains(Y + " ms"), refused.getMessage());
        assertEquals(refused.getMessage(), other.halted());
        assertThrows(IllegalStateException.class, other::emitDue);
        assertEquals(closed, store.closedHorizon(), "a window of the wrong size was closed");
    }

    @Test
    void windowsAreEpochAlignedWhateverTheStartTime() {
        clock.setMillis(T0 + 7_777);
        WindowAggregator aggregator = aggregator("proxy-a", publisher);
        aggregator.emitDue();
        clock.advance(Duration.ofMillis(5 * Y));
        aggregator.emitDue();

        assertFalse(publisher.results().isEmpty());
        for (WindowResult result : publisher.results()) {
            assertEquals(0, result.start().toEpochMilli() % Y, "window does not start on a multiple of Y: " + result);
            assertEquals(Y, result.end().toEpochMilli() - result.start().toEpochMilli());
        }
    }

    @Test
    void recordsStoredBeforeTheFirstProxyStartedAreEmittedInTheirWindowsNotOrphaned() {
        // Sensors and servers ran before any proxy: two windows' worth of records predate the usual first window.
        assertEquals(StoreOutcome.STORED, storeWellness(T0 - 2 * Y + 1, 0.25));
        assertEquals(StoreOutcome.STORED, storeWellness(T0 - Y + 5, 0.75));
        WindowAggregator aggregator = aggregator("proxy-a", publisher);
        aggregator.emitDue();

        List<WindowResult> results = publisher.results();
        assertEquals(2, results.size(), "the two earlier windows are emitted at once: " + results);
        assertContiguousFrom(T0 - 2 * Y, results);
        assertEquals(1, results.get(0).wellness().count());
        assertEquals(1, results.get(1).wellness().count());
        assertEquals(0, store.lateCount());
    }

    @Test
    void recordExactlyAtWindowStartBelongsToTheWindow() {
        WindowAggregator aggregator = startedAggregator();
        storeWellness(T0, 0.5);
        stepToCloseOfWindow(aggregator, 0);

        WindowResult first = publisher.results().get(0);
        assertEquals(Instant.ofEpochMilli(T0), first.start());
        assertEquals(1, first.wellness().count());
        assertEquals(Instant.ofEpochMilli(T0), first.wellness().latest());
    }

    @Test
    void recordExactlyAtWindowEndBelongsToNextWindow() {
        WindowAggregator aggregator = startedAggregator();
        storeWellness(T0 + Y - 1, 0.25);
        storeWellness(T0 + Y, 0.75);
        stepToCloseOfWindow(aggregator, 1);

        List<WindowResult> results = publisher.results();
        assertEquals(2, results.size());
        assertEquals(1, results.get(0).wellness().count());
        assertEquals(0.25, results.get(0).wellness().mean(), 0);
        assertEquals(1, results.get(1).wellness().count());
        assertEquals(0.75, results.get(1).wellness().mean(), 0);
        assertEquals(Instant.ofEpochMilli(T0 + Y), results.get(1).wellness().latest());
    }

    @Test
    void afterAWindowClosesARecordAtItsEndIsStillOnTimeForTheNextWindow() {
        WindowAggregator aggregator = startedAggregator();
        stepToCloseOfWindow(aggregator, 0);
        assertEquals(StoreOutcome.LATE, storeWellness(T0 + Y - 1, 0.1));
        assertEquals(StoreOutcome.STORED, storeWellness(T0 + Y, 0.9));
        stepToCloseOfWindow(aggregator, 1);
        assertEquals(1, publisher.results().get(1).wellness().count());
        assertEquals(0.9, publisher.results().get(1).wellness().mean(), 0);
    }

    @Test
    void nothingIsEmittedBeforeTheWindowClosesAtEndPlusGrace() {
        WindowAggregator aggregator = startedAggregator();
        clock.setMillis(T0 + Y);
        assertEquals(0, aggregator.emitDue());
        clock.setMillis(T0 + Y + GRACE - 1);
        assertEquals(0, aggregator.emitDue());
        assertTrue(publisher.results().isEmpty());

        clock.setMillis(T0 + Y + GRACE);
        assertEquals(1, aggregator.emitDue());
        assertEquals(1, publisher.results().size());
    }

    @Test
    void aRecordArrivingWithinGraceCountsInItsWindow() {
        WindowAggregator aggregator = startedAggregator();
        storeWellness(T0 + 1_000, 0.2);
        clock.setMillis(T0 + Y + GRACE - 1); // the window has ended but is still open
        aggregator.emitDue();
        assertEquals(StoreOutcome.STORED, storeWellness(T0 + Y - 1, 0.4));

        clock.setMillis(T0 + Y + GRACE);
        aggregator.emitDue();
        WindowResult result = publisher.results().get(0);
        assertEquals(2, result.wellness().count());
        assertEquals(0.3, result.wellness().mean(), 1e-12);
        assertEquals(0, result.lateRecords());
    }

    @Test
    void aLateRecordIsStoredAndCountedInTheNextResultsButNeverChangesAnEmittedWindow() {
        WindowAggregator aggregator = startedAggregator();
        storeWellness(T0 + 1_000, 0.6);
        stepToCloseOfWindow(aggregator, 0);
        WindowResult emitted = publisher.results().get(0);
        assertEquals(0, emitted.lateRecords());

        assertEquals(StoreOutcome.LATE, storeWellness(T0 + 2_000, 0.1));
        assertEquals(StoreOutcome.LATE, store(coefficient(CoefficientKind.POLLUTION, T0 + 3_000, 0.9)));
        assertEquals(2, store.lateCount());
        assertEquals(1, store.windowStatistics(CoefficientKind.WELLNESS, T0, T0 + Y).count(), "a closed window changed");

        stepToCloseOfWindow(aggregator, 1);
        List<WindowResult> results = publisher.results();
        assertEquals(2, results.size());
        assertEquals(emitted, results.get(0));
        assertEquals(1, results.get(0).wellness().count());
        assertEquals(0, results.get(1).recordCount());
        assertEquals(2, results.get(1).lateRecords());
    }

    @Test
    void emptyWindowsAreEmittedWithCountZero() {
        WindowAggregator aggregator = startedAggregator();
        assertEquals(3, stepToCloseOfWindow(aggregator, 2));

        List<WindowResult> results = publisher.results();
        assertEquals(3, results.size());
        for (WindowResult result : results) {
            for (CoefficientKind kind : CoefficientKind.values()) {
                assertEquals(0, result.statistics(kind).count());
                assertTrue(Double.isNaN(result.statistics(kind).mean()));
                assertNull(result.statistics(kind).latest());
            }
        }
        assertContiguousFrom(T0, results);
    }

    @Test
    void windowsAreEmittedOncePerWindowInOrderWithBothKindsSeparate() {
        WindowAggregator aggregator = startedAggregator();
        for (int k = 0; k < 5; k++) {
            storeWellness(T0 + k * Y + 100, 0.1 * (k + 1));
            store(coefficient(CoefficientKind.POLLUTION, T0 + k * Y + 200, 0.05));
            store(coefficient(CoefficientKind.POLLUTION, T0 + k * Y + 300, 0.15));
        }
        assertEquals(5, stepToCloseOfWindow(aggregator, 4)); // one step after a long pause catches up in order
        assertEquals(0, aggregator.emitDue());

        List<WindowResult> results = publisher.results();
        assertEquals(5, results.size());
        assertContiguousFrom(T0, results);
        for (int k = 0; k < 5; k++) {
            WindowResult result = results.get(k);
            assertEquals(1, result.wellness().count());
            assertEquals(0.1 * (k + 1), result.wellness().mean(), 1e-12);
            assertEquals(2, result.pollution().count());
            assertEquals(0.1, result.pollution().mean(), 1e-12);
            assertEquals(0.05, result.pollution().stddev(), 1e-12);
            assertEquals(Instant.ofEpochMilli(T0 + k * Y + 300), result.pollution().latest());
        }
    }

    @Test
    void aRestartedAggregatorResumesWithTheNextWindowWithoutRepeatOrSkip() {
        WindowAggregator first = shortLeased("proxy-a", publisher);
        assertEquals(0, first.emitDue());
        stepToCloseOfWindow(first, 1);
        assertEquals(2, publisher.results().size());

        // a process restart: a new instance with the same id, no close() (a crash), the same store; it takes over
        // once the crashed instance's lease ran out (the same id is not the same owner: it could be a duplicate)
        WindowAggregator restarted = shortLeased("proxy-a", publisher);
        assertEquals(0, restarted.emitDue());
        assertFalse(restarted.isLeader());
        awaitLeadership(restarted);
        assertEquals(2, publisher.results().size());
        storeWellness(T0 + 2 * Y + 5, 0.5);
        assertEquals(2, stepToCloseOfWindow(restarted, 3));

        List<WindowResult> results = publisher.results();
        assertEquals(4, results.size());
        assertContiguousFrom(T0, results);
        assertEquals(1, results.get(2).wellness().count());
    }

    @Test
    void aWindowClosedButNotPublishedIsPublishedOnTheNextStep() {
        WindowAggregator aggregator = startedAggregator();
        storeWellness(T0 + 10, 0.7);
        publisher.failNext(1);
        clock.setMillis(T0 + Y + GRACE);
        assertThrows(WindowAggregator.PublishFailedException.class, aggregator::emitDue);
        assertTrue(publisher.results().isEmpty());
        // the window is closed all the same: its contents are fixed
        assertEquals(StoreOutcome.LATE, storeWellness(T0 + 20, 0.1));

        assertEquals(1, aggregator.emitDue());
        stepToCloseOfWindow(aggregator, 1);
        List<WindowResult> results = publisher.results();
        assertEquals(2, results.size());
        assertContiguousFrom(T0, results);
        assertEquals(1, results.get(0).wellness().count());
        assertEquals(0.7, results.get(0).wellness().mean(), 0);
    }

    @Test
    void aClosedButUnpublishedWindowIsPublishedByTheNextAggregator() {
        WindowAggregator crashed = shortLeased("proxy-a", publisher);
        assertEquals(0, crashed.emitDue());
        storeWellness(T0 + 10, 0.7);
        publisher.failNext(1);
        clock.setMillis(T0 + Y + GRACE);
        assertThrows(WindowAggregator.PublishFailedException.class, crashed::emitDue);
        storeWellness(T0 + 20, 0.1); // late: the closed window keeps the content it was closed with

        RecordingPublisher otherPublisher = new RecordingPublisher();
        WindowAggregator successor = shortLeased("proxy-b", otherPublisher);
        awaitLeadership(successor);
        assertContiguousFrom(T0, otherPublisher.results());
        assertEquals(1, otherPublisher.results().size());
        assertEquals(1, otherPublisher.results().get(0).wellness().count());
        assertEquals(0, otherPublisher.results().get(0).lateRecords(), "published as it was closed, before the late one");
    }

    @Test
    void withTwoAggregatorsOnlyTheLeaseHolderEmitsAndTheStandbyTakesOverWhenTheLeaseExpires() {
        RecordingPublisher shared = new RecordingPublisher();
        WindowAggregator active = shortLeased("proxy-a", shared);
        WindowAggregator standby = shortLeased("proxy-b", shared);
        assertEquals(0, active.emitDue());
        assertEquals(0, standby.emitDue());
        assertTrue(active.isLeader());
        assertFalse(standby.isLeader());

        for (int k = 0; k < 2; k++) {
            stepToCloseOfWindow(active, k);
            assertEquals(0, standby.emitDue());
        }
        assertEquals(2, shared.results().size());

        // the active aggregator stops renewing (it crashed); the standby takes over once the lease ran out
        clock.advance(Duration.ofMillis(Y));
        awaitLeadership(standby);
        assertEquals(3, shared.results().size());

        // the old leader comes back: it is a standby now and emits nothing
        clock.advance(Duration.ofMillis(Y));
        assertEquals(0, active.emitDue());
        assertFalse(active.isLeader());
        assertTrue(standby.emitDue() > 0);

        List<WindowResult> results = shared.results();
        assertContiguousFrom(T0, results);
        assertEquals(WINDOW.closedHorizonAt(clock.millis()), results.get(results.size() - 1).end().toEpochMilli());
    }

    @Test
    void twoProcessesGivenTheSameIdAreNotBothActive() {
        RecordingPublisher shared = new RecordingPublisher();
        WindowAggregator one = aggregator("proxy-1", shared);
        WindowAggregator sameId = aggregator("proxy-1", shared);
        one.emitDue();
        sameId.emitDue();
        assertTrue(one.isLeader());
        assertFalse(sameId.isLeader(), "a second process with the same id renewed the first one's lease");
        for (int k = 0; k < 3; k++) {
            stepToCloseOfWindow(one, k);
            assertEquals(0, sameId.emitDue());
        }
        assertEquals(3, shared.results().size());
        assertContiguousFrom(T0, shared.results());
    }

    @Test
    void closeReleasesTheLeaseSoTheStandbyTakesOverAtOnce() throws InterruptedException {
        RecordingPublisher shared = new RecordingPublisher();
        WindowAggregator active = aggregator("proxy-a", shared);
        WindowAggregator standby = aggregator("proxy-b", shared);
        active.emitDue();
        stepToCloseOfWindow(active, 0);
        assertEquals(0, standby.emitDue());

        active.close();
        assertEquals(0, standby.emitDue()); // takes the lease at the same instant; nothing due yet
        assertTrue(standby.isLeader());
        stepToCloseOfWindow(standby, 1);
        assertEquals(2, shared.results().size());
        assertContiguousFrom(T0, shared.results());
    }

    @Test
    void retentionTrimsCoefficientsOfOldWindows() {
        WindowAggregator aggregator = aggregator("proxy-a", publisher, 1);
        aggregator.emitDue();
        storeWellness(T0 + 1_000, 0.1);
        store(coefficient(CoefficientKind.POLLUTION, T0 + 1_000, 0.1));
        storeWellness(T0 + 2 * Y + 1_000, 0.3);
        assertEquals(2, store.storedCount(CoefficientKind.WELLNESS));

        stepToCloseOfWindow(aggregator, 2); // closed horizon T0 + 3Y; one window kept: [T0 + 2Y, T0 + 3Y)
        assertEquals(1, store.storedCount(CoefficientKind.WELLNESS));
        assertEquals(0, store.storedCount(CoefficientKind.POLLUTION));
        assertTrue(store.windowStatistics(CoefficientKind.WELLNESS, T0, T0 + Y).isEmpty());
        assertEquals(1, store.windowStatistics(CoefficientKind.WELLNESS, T0 + 2 * Y, T0 + 3 * Y).count());
        assertEquals(1, publisher.results().get(0).wellness().count(), "trimmed before it was emitted");
    }

    @Test
    void theSameRecordsStoredTwiceGiveIdenticalWindows() {
        InMemoryStore twiceStore = new InMemoryStore();
        List<Coefficient> records = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            CoefficientKind kind = i % 3 == 0 ? CoefficientKind.POLLUTION : CoefficientKind.WELLNESS;
            records.add(coefficient(kind, T0 + i * 700L, (i % 10) / 10.0));
        }
        store.storeAll(records);

        List<StoreOutcome> first = twiceStore.storeAll(records);
        List<StoreOutcome> again = twiceStore.storeAll(records);
        List<Coefficient> withDuplicates = List.of(records.get(0), records.get(0), records.get(5));
        List<StoreOutcome> batch = twiceStore.storeAll(withDuplicates);
        assertTrue(first.stream().allMatch(o -> o == StoreOutcome.STORED), first.toString());
        assertTrue(again.stream().allMatch(o -> o == StoreOutcome.DUPLICATE), again.toString());
        assertEquals(List.of(StoreOutcome.DUPLICATE, StoreOutcome.DUPLICATE, StoreOutcome.DUPLICATE), batch);

        RecordingPublisher twicePublisher = new RecordingPublisher();
        WindowAggregator once = startedAggregator();
        WindowAggregator twice = new WindowAggregator(AggregatorSettings.of(WINDOW, "proxy-twice"), twiceStore,
                twicePublisher, clock);
        twice.emitDue();
        clock.setMillis(T0 + 3 * Y + GRACE);
        once.emitDue();
        twice.emitDue();

        assertEquals(3, publisher.results().size());
        assertEquals(publisher.results(), twicePublisher.results());
        assertEquals(30, publisher.results().stream().mapToLong(WindowResult::recordCount).sum());
    }
}
