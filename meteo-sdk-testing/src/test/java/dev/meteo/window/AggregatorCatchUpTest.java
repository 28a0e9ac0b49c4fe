package dev.meteo.window;

import dev.meteo.model.WindowResult;
import dev.meteo.testing.InMemoryStore;
import dev.meteo.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A catch-up overlaps the publisher's waits ({@link WindowResultPublisher#publishAsync}): every due window is handed
 * over before the first is waited for, and a window is marked published only once it and every window before it are
 * handed over. With a manual clock and a publisher whose confirms the test gives, on the in-memory store (which passes
 * the store contract, as Redis does).
 */
class AggregatorCatchUpTest {

    private static final long Y = 10_000;
    private static final long GRACE = 2_000;
    /** A window boundary: a multiple of Y. */
    private static final long T0 = 1_750_000_000_000L;
    private static final WindowSpec WINDOW = WindowSpec.of(Duration.ofMillis(Y), Duration.ofMillis(GRACE));

    /** The store runs on the real clock, as Redis does: far ahead of the test's manual clock, so closes are due. */
    private final InMemoryStore store = new InMemoryStore();
    private final MutableClock clock = MutableClock.at(T0 + GRACE);

    /** Hands windows over when the test completes their futures; {@code publish} would wait, so it is never called. */
    private static final class HeldPublisher implements WindowResultPublisher {
        final List<WindowResult> handedOver = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Void>> confirms = new CopyOnWriteArrayList<>();

        @Override
        public void publish(WindowResult result) {
            throw new AssertionError("a catch-up waits for no window before it has handed over the next");
        }

        @Override
        public CompletableFuture<Void> publishAsync(WindowResult result) {
            CompletableFuture<Void> confirmed = new CompletableFuture<>();
            handedOver.add(result);
            confirms.add(confirmed);
            return confirmed;
        }

        void clear() {
            handedOver.clear();
            confirms.clear();
        }
    }

    private static List<Long> starts(List<WindowResult> results) {
        return results.stream().map(result -> result.start().toEpochMilli()).toList();
    }

    @Test
    void aCatchUpHandsEveryWindowOverBeforeWaitingAndMarksEachPublishedOnlyOnceItAndTheOnesBeforeAreConfirmed()
            throws Exception {
        HeldPublisher publisher = new HeldPublisher();
        WindowAggregator aggregator = new WindowAggregator(AggregatorSettings.of(WINDOW, "proxy-catch-up")
                .withLease(Duration.ofSeconds(30), Duration.ofSeconds(1)), store, publisher, clock);
        assertEquals(0, aggregator.emitDue()); // the first open window is [T0, T0 + Y)
        long start = store.publishedHorizon();
        assertEquals(T0, start);

        clock.setMillis(T0 + 5 * Y + GRACE); // five windows due
        CompletableFuture<Integer> step = CompletableFuture.supplyAsync(aggregator::emitDue);
        await().atMost(Duration.ofSeconds(10)).until(() -> publisher.handedOver.size() == 5);
        assertEquals(List.of(T0, T0 + Y, T0 + 2 * Y, T0 + 3 * Y, T0 + 4 * Y), starts(publisher.handedOver));
        publisher.confirms.get(1).complete(null); // the second confirmed before the first
        assertEquals(T0, store.publishedHorizon(), "nothing is published before the first window's confirm");

        publisher.confirms.get(0).complete(null);
        await().atMost(Duration.ofSeconds(10)).until(() -> store.publishedHorizon() == T0 + 2 * Y);
        publisher.confirms.get(2).completeExceptionally(new UncheckedIOException(new IOException("the broker nacked it")));
        publisher.confirms.get(3).complete(null);
        publisher.confirms.get(4).complete(null);
        ExecutionException failed = assertThrows(ExecutionException.class, () -> step.get(10, TimeUnit.SECONDS));
        assertInstanceOf(WindowAggregator.PublishFailedException.class, failed.getCause());
        assertEquals(T0 + 2 * Y, store.publishedHorizon(), "the failed window and those after it stay unpublished");

        publisher.clear();
        CompletableFuture<Integer> again = CompletableFuture.supplyAsync(aggregator::emitDue);
        await().atMost(Duration.ofSeconds(10)).until(() -> publisher.handedOver.size() == 3);
        assertEquals(List.of(T0 + 2 * Y, T0 + 3 * Y, T0 + 4 * Y), starts(publisher.handedOver),
                "published again from the failed one, in order, with the content they were closed with");
        publisher.confirms.forEach(confirm -> confirm.complete(null));
        assertEquals(3, again.get(10, TimeUnit.SECONDS));
        assertEquals(T0 + 5 * Y, store.publishedHorizon());
        assertEquals(Instant.ofEpochMilli(T0 + 5 * Y), publisher.handedOver.get(2).end());
    }
}
