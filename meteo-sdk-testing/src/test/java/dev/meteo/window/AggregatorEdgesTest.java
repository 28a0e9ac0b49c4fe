package dev.meteo.window;

import dev.meteo.model.Coefficient;
import dev.meteo.model.CoefficientKind;
import dev.meteo.model.RecordId;
import dev.meteo.model.WindowResult;
import dev.meteo.store.StoreLostException;
import dev.meteo.store.StoreOutcome;
import dev.meteo.store.WindowStore;
import dev.meteo.testing.InMemoryStore;
import dev.meteo.testing.MutableClock;
import dev.meteo.testing.RecordingPublisher;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The edges of exactly-once around the aggregator (docs/window-semantics.md): a store that lost its state, a clock
 * that runs ahead, an old record before the first step, a demoted or stuck leader that must not hammer the store.
 * On the in-memory store (the same store contract as Redis); {@code RedisRestartTest} shows the first on a real Redis.
 */
class AggregatorEdgesTest {

    private static final long Y = 1_000;
    private static final WindowSpec WINDOW = WindowSpec.of(Duration.ofMillis(Y), Duration.ofMillis(500));

    /** On the real clock, as Redis's: the in-memory store passes the same store contract. */
    private final InMemoryStore store = new InMemoryStore();
    private final RecordingPublisher publisher = new RecordingPublisher();
    private long sequence;

    private StoreOutcome storeWellness(long detectedAtMillis) {
        return store.storeAll(List.of(new Coefficient(CoefficientKind.WELLNESS, new RecordId("s", ++sequence),
                Instant.ofEpochMilli(detectedAtMillis), 0.5))).get(0);
    }

    @Test
    void anAggregatorWhoseStoreLostItsStateStopsInsteadOfReopeningWindows() {
        long t0 = 1_750_000_000_000L;
        MutableClock clock = MutableClock.at(t0);
        WindowAggregator aggregator = new WindowAggregator(AggregatorSettings.of(WINDOW, "proxy"), store, publisher, clock);
        aggregator.emitDue();
        clock.advance(Duration.ofMillis(5 * Y));
        assertTrue(aggregator.emitDue() > 0);
        int published = publisher.results().size();

        store.loseEverything(); // what a Redis restarted without persistence looks like
        clock.advance(Duration.ofMillis(3 * Y));
        StoreLostException lost = assertThrows(StoreLostException.class, aggregator::emitDue);
        assertTrue(lost.getMessage().contains("appendonly"), lost.getMessage());
        assertNotNull(aggregator.halted());
        assertFalse(aggregator.isLeader());
        assertThrows(StoreLostException.class, aggregator::emitDue);
        assertEquals(published, publisher.results().size(), "windows were emitted again from an empty store");
    }

    @Test
    void aProxyWhoseClockRunsAheadClosesNothingBeforeTheStoresTime() {
        Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(30));
        WindowAggregator aggregator = new WindowAggregator(AggregatorSettings.of(WINDOW, "ahead"), store, publisher, ahead);
        aggregator.emitDue(); // initialises the horizon 30 s in the future, as its clock says
        long now = System.currentTimeMillis();
        storeWellness(now);
        aggregator.emitDue();
        assertTrue(publisher.results().isEmpty(), "windows closed on a clock 30 s ahead: " + publisher.results());
        // a record detected now is in an open window, not late, whatever the proxy's clock says
        assertEquals(StoreOutcome.STORED, storeWellness(System.currentTimeMillis()));
    }

    @Test
    void aRecordADayOldDoesNotPullTheFirstWindowADayBack() {
        long now = System.currentTimeMillis();
        assertEquals(StoreOutcome.STORED, storeWellness(now - 86_400_000L)); // stored before any proxy ran
        AggregatorSettings settings = AggregatorSettings.of(WINDOW, "proxy").withRetentionWindows(5);
        WindowAggregator aggregator = new WindowAggregator(settings, store, publisher, Clock.systemUTC());
        int published = aggregator.emitDue();
        assertTrue(published <= 5 + 1, published + " windows emitted in the first step");
        assertEquals(1, store.lateCount(), "the day-old record counts as late");
    }

    /** A store that counts the calls of one method, to see how hard a loop hits it. */
    private static WindowStore counting(WindowStore delegate, String method, AtomicLong calls) {
        return (WindowStore) Proxy.newProxyInstance(WindowStore.class.getClassLoader(), new Class<?>[] {WindowStore.class},
                (proxy, invoked, args) -> {
                    if (invoked.getName().equals(method)) {
                        calls.incrementAndGet();
                    }
                    try {
                        return invoked.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aStandbyPollsTheLeaseAtItsPollIntervalNotInATightLoop() throws Exception {
        assertTrue(store.acquireLease("someone-else", Duration.ofMinutes(1)));
        AtomicLong leaseCalls = new AtomicLong();
        AggregatorSettings settings = AggregatorSettings.of(WINDOW, "standby").withLease(Duration.ofSeconds(1), Duration.ofMillis(100));
        try (WindowAggregator standby = new WindowAggregator(settings, counting(store, "acquireLease", leaseCalls),
                publisher, Clock.systemUTC()).start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> leaseCalls.get() >= 3);
            long before = leaseCalls.get();
            long started = System.nanoTime();
            await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
            double perSecond = (leaseCalls.get() - before) * 1e9 / (System.nanoTime() - started);
            assertTrue(perSecond < 30, "a standby asked for the lease " + perSecond + " times a second");
        }
    }

    @Test
    void aLeaderThatCannotPublishBacksOffAndKeepsTheWindowsForLater() throws Exception {
        AtomicLong reads = new AtomicLong();
        publisher.failNext(Integer.MAX_VALUE);
        AggregatorSettings settings = AggregatorSettings.of(WINDOW, "stuck").withLease(Duration.ofSeconds(2), Duration.ofMillis(50));
        try (WindowAggregator stuck = new WindowAggregator(settings, counting(store, "resultsBetween", reads), publisher,
                Clock.systemUTC()).start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> reads.get() >= 3);
            long before = reads.get();
            long started = System.nanoTime();
            await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
            double perSecond = (reads.get() - before) * 1e9 / (System.nanoTime() - started);
            assertTrue(perSecond < 15, "a leader that cannot publish retried " + perSecond + " times a second");
            publisher.failNext(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> !publisher.results().isEmpty());
        }
        List<WindowResult> results = publisher.results();
        for (int i = 1; i < results.size(); i++) {
            assertEquals(results.get(i - 1).end(), results.get(i).start());
        }
    }
}
