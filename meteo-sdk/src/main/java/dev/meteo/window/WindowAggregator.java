package dev.meteo.window;

import dev.meteo.internal.TroubleLog;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.model.CoefficientKind;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.WindowResult;
import dev.meteo.store.LeaseLostException;
import dev.meteo.store.StoreUnavailableException;
import dev.meteo.store.WindowStore;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The proxy's tumbling window (semantics in {@code docs/window-semantics.md}). While it holds the lease in the store it
 * closes each window once its close time has passed, in order, empty ones included, reads the window's coefficients
 * per kind, and publishes the {@link WindowResult}. Its progress lives in the store (closed and published horizons),
 * so a restarted or standby aggregator continues with the next window without repeating or skipping one; a window
 * closed but not yet published (a crash, a failed publish) is published on the next step.
 *
 * <p>Drive it with {@link #start()} (a background thread on the real clock) or call {@link #emitDue()} yourself with
 * an injected clock, as tests do.
 */
public final class WindowAggregator implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WindowAggregator.class.getName());

    /** Counters of this aggregator. */
    public record Stats(boolean leader, long windowsEmitted, long closedHorizonMillis) {
    }

    private final AggregatorSettings settings;
    private final WindowSpec window;
    private final WindowStore store;
    private final WindowResultPublisher publisher;
    private final Clock clock;
    private final AtomicLong windowsEmitted = new AtomicLong();
    private volatile long closedHorizon = Long.MIN_VALUE;
    private volatile boolean leader;
    private volatile boolean running;
    private final TroubleLog trouble;
    private Thread loop;

    public WindowAggregator(AggregatorSettings settings, WindowStore store, WindowResultPublisher publisher, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.window = settings.window();
        this.store = Objects.requireNonNull(store, "store");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.trouble = TroubleLog.of(LOG, "aggregator " + settings.ownerId());
    }

    /**
     * One step: takes or renews the lease and, when active, publishes every window that has closed by the clock's
     * now and is not published yet. Returns how many windows were published; 0 for a standby.
     *
     * @throws StoreUnavailableException when the store cannot be reached (nothing is lost: retry later)
     */
    public int emitDue() {
        long now = clock.millis();
        if (!store.acquireLease(settings.ownerId(), now, now + settings.leaseTtl().toMillis())) {
            if (leader) {
                LOG.warning("aggregator " + settings.ownerId() + " lost the proxy lease; now a standby");
            }
            leader = false;
            return 0;
        }
        if (!leader) {
            LOG.info("aggregator " + settings.ownerId() + " holds the proxy lease and is active");
            leader = true;
        }
        long closed = store.closedHorizon();
        if (closed == Long.MIN_VALUE) {
            closed = store.initialiseHorizon(window.closedHorizonAt(now), window.sizeMillis());
        }
        int published = 0;
        try {
            long publishedUpTo = store.publishedHorizon();
            while (publishedUpTo < closed) {
                long end = Math.min(window.windowEnd(publishedUpTo), closed);
                publishWindow(publishedUpTo, end);
                publishedUpTo = end;
                published++;
            }
            while (now >= window.closeTime(window.windowEnd(closed))) {
                long start = closed;
                long end = window.windowEnd(start);
                store.closeWindow(settings.ownerId(), start, end);
                closed = end;
                closedHorizon = closed;
                publishWindow(start, end);
                published++;
            }
        } catch (LeaseLostException e) {
            leader = false;
            LOG.warning(e.getMessage());
        }
        closedHorizon = closed;
        if (published > 0) {
            store.trimBefore(closed - settings.retentionWindows() * window.sizeMillis());
        }
        return published;
    }

    private void publishWindow(long start, long end) {
        KindStatistics wellness = KindStatistics.of(store.readWindow(CoefficientKind.WELLNESS, start, end));
        KindStatistics pollution = KindStatistics.of(store.readWindow(CoefficientKind.POLLUTION, start, end));
        WindowResult result = new WindowResult(Instant.ofEpochMilli(start), Instant.ofEpochMilli(end), wellness,
                pollution, store.lateCount());
        try {
            publisher.publish(result);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing: the window stays unpublished and goes out next time
            throw new PublishFailedException(result, e);
        } catch (RuntimeException e) {
            throw new PublishFailedException(result, e);
        }
        store.markPublished(end);
        windowsEmitted.incrementAndGet();
    }

    /** A window was closed but its result could not be handed to the publisher; it is published again later. */
    public static final class PublishFailedException extends RuntimeException {
        PublishFailedException(WindowResult result, Throwable cause) {
            super("publishing window [" + result.start() + ", " + result.end() + ") failed: " + cause.getMessage(), cause);
        }
    }

    /** Runs {@link #emitDue()} on a background thread, waking at each close time and at least every poll interval. */
    public synchronized WindowAggregator start() {
        if (loop != null) {
            throw new IllegalStateException("aggregator already started");
        }
        running = true;
        loop = DaemonThreadFactory.start("window-aggregator-" + settings.ownerId(), this::runLoop);
        return this;
    }

    private void runLoop() {
        while (running) {
            try {
                emitDue();
                trouble.recovered();
            } catch (StoreUnavailableException | PublishFailedException e) {
                trouble.problem(e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "aggregator step failed", e);
            }
            long poll = settings.pollInterval().toMillis();
            long untilClose = closedHorizon == Long.MIN_VALUE ? poll
                    : window.closeTime(window.windowEnd(closedHorizon)) - clock.millis();
            long sleep = Math.max(1, Math.min(poll, untilClose));
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public boolean isLeader() {
        return leader;
    }

    public Stats stats() {
        return new Stats(leader, windowsEmitted.get(), closedHorizon);
    }

    public AggregatorSettings settings() {
        return settings;
    }

    /** Stops the loop and gives the lease up so that a standby takes over at once. Does not close the publisher. */
    @Override
    public void close() throws InterruptedException {
        Thread thread;
        synchronized (this) {
            running = false;
            thread = loop;
        }
        if (thread != null) {
            thread.interrupt();
            thread.join(5_000);
        }
        if (leader) {
            try {
                store.releaseLease(settings.ownerId());
            } catch (RuntimeException e) {
                LOG.warning("could not release the proxy lease: " + e.getMessage());
            }
            leader = false;
        }
    }
}
