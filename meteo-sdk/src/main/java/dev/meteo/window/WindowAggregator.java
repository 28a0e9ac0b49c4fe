package dev.meteo.window;

import dev.meteo.metrics.Measurement;
import dev.meteo.metrics.Measured;
import dev.meteo.internal.Backoff;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.internal.TroubleLog;
import dev.meteo.model.WindowResult;
import dev.meteo.store.HorizonMovedException;
import dev.meteo.store.LeaseLostException;
import dev.meteo.store.StoreLostException;
import dev.meteo.store.StoreUnavailableException;
import dev.meteo.store.WindowStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The proxy's tumbling window (semantics in {@code docs/window-semantics.md}). While it holds the lease in the store it
 * closes each window once its close time has passed, in order, empty ones included, saves the window's result in the
 * store, and publishes it. Its progress lives in the store (closed and published horizons, saved results), so a
 * restarted or standby aggregator continues with the next window without repeating or skipping one; a window closed
 * but not yet published (a crash, a failed publish) is published on the next step, with the content it was closed with.
 *
 * <p>Whether a window is due is decided twice: by this aggregator's clock, then by the store's own clock inside the
 * close, so a proxy whose clock runs ahead cannot close a window early, and the lease never compares two hosts' clocks.
 * A step closes at most {@value #MAX_CLOSES_PER_STEP} windows (a long catch-up renews the lease between steps).
 *
 * <p>If the store loses its state (the horizons or the deployment epoch vanish: a Redis restarted without persistence)
 * the aggregator stops with {@link StoreLostException} rather than re-open windows the terminals already hold; see
 * {@link #halted()}.
 *
 * <p>Drive it with {@link #start()} (a background thread on the real clock) or call {@link #emitDue()} yourself with
 * an injected clock, as tests do.
 */
public final class WindowAggregator implements AutoCloseable, Measured {

    private static final Logger LOG = Logger.getLogger(WindowAggregator.class.getName());
    /** Windows closed in one step at most: a catch-up of hours renews the lease every step instead of losing it. */
    static final int MAX_CLOSES_PER_STEP = 64;
    /** Windows handed to the publisher and not waited for yet, at most: how far a catch-up overlaps the confirms. */
    static final int MAX_PUBLISHES_IN_FLIGHT = 64;
    /** The longest a leader goes without trimming, when no window closes. */
    static final long TRIM_EVERY_MILLIS = 10_000;

    /**
     * Counters of this aggregator: whether it holds the lease, windows it published and closed since it started, the
     * end (epoch ms) of the last window it knows closed ({@code Long.MIN_VALUE} for a standby), why it stopped.
     */
    public record Stats(boolean leader, long windowsEmitted, long closedHorizonMillis, String halted, long windowsClosed) {
    }

    private final AggregatorSettings settings;
    private final String owner;
    private final WindowSpec window;
    private final WindowStore store;
    private final WindowResultPublisher publisher;
    private final Clock clock;
    private final AtomicLong windowsEmitted = new AtomicLong();
    private final AtomicLong windowsClosed = new AtomicLong();
    private final TroubleLog trouble;
    private final Backoff backoff;
    private volatile long closedHorizon = Long.MIN_VALUE;
    private volatile boolean leader;
    private volatile boolean running;
    private volatile String halted;
    /** What {@link #emitDue()} throws once halted: the exception of the cause, again. */
    private volatile RuntimeException haltedBy;
    private String epoch;
    /** The furthest closed horizon this instance has seen in the store: the store's never goes back below it. */
    private long furthestHorizonSeen = Long.MIN_VALUE;
    /** Once per instance, before its first close: a standby learns the epoch earlier, so this is not tied to it. */
    private boolean factsChecked;
    /** The last step found a window due by this host's clock but not by the store's: wait a poll, not 10 ms. */
    private volatile boolean aheadOfStore;
    private Thread loop;
    private long trimmedAtHorizon = Long.MIN_VALUE;
    private long trimmedAtNanos;

    public WindowAggregator(AggregatorSettings settings, WindowStore store, WindowResultPublisher publisher, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.owner = settings.ownerId() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.window = settings.window();
        this.store = Objects.requireNonNull(store, "store");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.trouble = TroubleLog.of(LOG, "aggregator " + settings.ownerId());
        Duration poll = settings.pollInterval();
        this.backoff = new Backoff(poll.isZero() ? Duration.ofMillis(1) : poll, settings.leaseTtl().dividedBy(2));
    }

    /** The lease owner this instance writes: its id and a nonce. */
    public String owner() {
        return owner;
    }

    /**
     * One step: takes or renews the lease and, when active, closes every window whose close time has passed (at most
     * {@value #MAX_CLOSES_PER_STEP}), then publishes every closed window not published yet, in order. Returns how
     * many windows were published; 0 for a standby.
     *
     * @throws StoreUnavailableException when the store cannot be reached (nothing is lost: retry later)
     * @throws PublishFailedException    when a result could not be handed over (published again on a later step)
     * @throws StoreLostException        when the store lost its state: this aggregator stops for good
     * @throws IllegalStateException     when the deployment's windows are of another size or grace: it stops for good
     *                                   too
     */
    public int emitDue() {
        if (haltedBy != null) {
            throw haltedBy;
        }
        long now = clock.millis();
        if (!store.acquireLease(owner, settings.leaseTtl())) {
            demote("the proxy lease is held by " + store.leaseHolder());
            long closed = store.closedHorizon();
            checkState(closed); // a standby watches the state too: it may have to take over
            if (!factsChecked && closed != Long.MIN_VALUE) {
                checkDeploymentFacts(closed); // and is told now, not at the takeover, that it could not take over
                factsChecked = true;
            }
            return 0;
        }
        if (!leader) {
            LOG.info("aggregator " + settings.ownerId() + " holds the proxy lease and is active (owner " + owner + ")");
            leader = true;
        }
        try {
            long closed = horizon(now);
            closed = closeDue(closed, now);
            closedHorizon = closed;
            try {
                return publishUpTo(closed);
            } finally {
                trimIfDue(closed); // also when nothing could be published: memory must not depend on the terminals
            }
        } catch (LeaseLostException | HorizonMovedException e) {
            demote(e.getMessage());
            return 0;
        }
    }

    /**
     * Trims at every new closed horizon and at least every {@value #TRIM_EVERY_MILLIS} ms (sensors go idle by the
     * store's clock, not by windows). A failed trim is logged and tried again next step; it never fails the step.
     */
    private void trimIfDue(long closed) {
        long nowNanos = System.nanoTime();
        if (closed == trimmedAtHorizon && nowNanos - trimmedAtNanos < TRIM_EVERY_MILLIS * 1_000_000L) {
            return;
        }
        try {
            store.trim(closed - settings.retention().toMillis(), closed - settings.resultRetention().toMillis(),
                    settings.retention(), settings.sensorIdle());
            trimmedAtHorizon = closed;
            trimmedAtNanos = nowNanos;
        } catch (RuntimeException e) {
            trouble.problem("trimming the store failed (tried again next step): " + e.getMessage());
        }
    }

    /** The closed horizon, initialised by the first aggregator of a deployment; checks that the store kept its state. */
    private long horizon(long now) {
        long closed = store.closedHorizon();
        checkState(closed);
        String stored = store.epoch();
        if (closed == Long.MIN_VALUE) {
            long horizon = window.closedHorizonAt(now);
            closed = store.initialiseHorizon(horizon, window.sizeMillis(), window.graceMillis(),
                    horizon - settings.retention().toMillis());
            stored = store.epoch();
        }
        if (!factsChecked) {
            checkDeploymentFacts(closed);
            factsChecked = true;
        }
        epoch = stored;
        furthestHorizonSeen = Math.max(furthestHorizonSeen, closed);
        return closed;
    }

    /**
     * Stops for good when the store lost state this instance has seen: the deployment epoch vanished or changed, or
     * the closed horizon went back (Redis restarted without persistence, lost its last second of writes with
     * {@code appendfsync everysec}, or failed over to a replica that lagged).
     */
    private void checkState(long closed) {
        String stored = epoch == null ? null : store.epoch();
        boolean epochLost = epoch != null && !epoch.equals(stored);
        boolean horizonBack = furthestHorizonSeen != Long.MIN_VALUE && closed < furthestHorizonSeen;
        if (!epochLost && !horizonBack) {
            if (epoch == null && closed != Long.MIN_VALUE) {
                epoch = store.epoch(); // a standby learns the state it will watch
                furthestHorizonSeen = closed;
            } else if (closed != Long.MIN_VALUE) {
                furthestHorizonSeen = Math.max(furthestHorizonSeen, closed);
            }
            return;
        }
        halted = "the store lost state (the deployment epoch was " + epoch + ", it is now " + stored + "; the closed "
                + "horizon was " + Instant.ofEpochMilli(furthestHorizonSeen) + ", it is now "
                + (closed == Long.MIN_VALUE ? "gone" : Instant.ofEpochMilli(closed)) + "): Redis restarted without "
                + "persistence, lost its last writes, or failed over to a replica that lagged. The aggregator stopped "
                + "rather than re-open windows the terminals already hold; run Redis with appendonly (and WAIT for a "
                + "replica), or reset the deployment (meteo reset) and start again";
        LOG.severe("aggregator " + settings.ownerId() + ": " + halted);
        leader = false;
        haltedBy = new StoreLostException(halted);
        throw haltedBy;
    }

    /**
     * The window size and grace are the deployment's, written by its first proxy: the store keeps statistics per window
     * of its size, and terminals and {@code meteo status} read both to know when a window is due. A proxy with another
     * size or grace must not close any window. A deployment whose first proxy did not record a grace gets this one's.
     */
    private void checkDeploymentFacts(long closed) {
        long deployedSize = store.windowSizeMillis();
        if (deployedSize != 0 && deployedSize != window.sizeMillis()) {
            halt("this deployment's windows are " + deployedSize + " ms long (set by its first proxy) and this proxy's "
                    + window.sizeMillis() + " ms: start every proxy of a deployment with the same window, or reset the "
                    + "deployment (meteo reset) to change it");
        }
        long deployedGrace = store.graceMillis();
        if (deployedGrace < 0) {
            store.initialiseHorizon(closed, window.sizeMillis(), window.graceMillis(), closed); // records the grace only
            deployedGrace = store.graceMillis();
        }
        if (deployedGrace >= 0 && deployedGrace != window.graceMillis()) {
            halt("this deployment's grace is " + deployedGrace + " ms (set by its first proxy) and this proxy's "
                    + window.graceMillis() + " ms: start every proxy of a deployment with the same grace (terminals "
                    + "and 'meteo status' read the deployment's), or reset the deployment (meteo reset) to change it");
        }
    }

    private void halt(String why) {
        halted = why;
        LOG.severe("aggregator " + settings.ownerId() + ": " + halted);
        leader = false;
        haltedBy = new IllegalStateException(halted);
        throw haltedBy;
    }

    private long closeDue(long closed, long now) {
        aheadOfStore = false;
        for (int closes = 0; closes < MAX_CLOSES_PER_STEP && now >= window.closeTime(window.windowEnd(closed)); closes++) {
            long start = closed;
            long end = window.windowEnd(start);
            if (store.closeWindow(owner, start, end, window.closeTime(end)) == WindowStore.CloseOutcome.NOT_DUE) {
                // this host's clock runs ahead of the store's: wait for the store's time rather than close early
                trouble.problem("this host's clock is ahead of the store's: window [" + Instant.ofEpochMilli(start)
                        + ", " + Instant.ofEpochMilli(end) + ") is due here but not yet in the store; waiting");
                aheadOfStore = true;
                break;
            }
            windowsClosed.incrementAndGet();
            closed = end;
        }
        return closed;
    }

    /**
     * Publishes the closed windows not published yet, in order, from the results saved when they were closed. A window
     * whose result is gone (the proxy could publish nothing for longer than the result retention: every terminal away)
     * is skipped, with a warning: what no terminal can be sent any more must not hold up the windows after it.
     *
     * <p>Up to {@value #MAX_PUBLISHES_IN_FLIGHT} windows are handed over before the oldest is waited for
     * ({@link WindowResultPublisher#publishAsync}), so a catch-up does not wait for each confirm in turn; each window is
     * marked published only once it and every window before it are handed over. When one fails, those after it that
     * went out anyway are published again later (terminals drop repeats).
     */
    private int publishUpTo(long closed) {
        long publishedUpTo = store.publishedHorizon();
        if (publishedUpTo >= closed) {
            return 0;
        }
        Map<Long, WindowResult> saved = new HashMap<>();
        for (WindowResult result : store.resultsBetween(publishedUpTo, closed)) {
            saved.put(result.start().toEpochMilli(), result);
        }
        ArrayDeque<HandedOver> inFlight = new ArrayDeque<>();
        int published = 0;
        long skippedFrom = Long.MIN_VALUE;
        while (publishedUpTo < closed) {
            long start = publishedUpTo;
            long end = Math.min(window.windowEnd(start), closed);
            WindowResult result = saved.get(start);
            CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
            if (result == null) {
                skippedFrom = skippedFrom == Long.MIN_VALUE ? start : skippedFrom;
            } else {
                if (skippedFrom != Long.MIN_VALUE) {
                    warnSkipped(skippedFrom, start);
                    skippedFrom = Long.MIN_VALUE;
                }
                try {
                    done = publishAsync(result);
                } catch (PublishFailedException e) {
                    markEachPublished(inFlight); // the windows before it that went out
                    throw e;
                }
            }
            inFlight.add(new HandedOver(result, end, done));
            publishedUpTo = end;
            while (inFlight.size() >= MAX_PUBLISHES_IN_FLIGHT) {
                published += markPublished(inFlight.poll());
            }
        }
        published += markEachPublished(inFlight);
        if (skippedFrom != Long.MIN_VALUE) {
            warnSkipped(skippedFrom, publishedUpTo);
        }
        return published;
    }

    /** A window handed to the publisher ({@code result} null: skipped, its result gone), and when it is out. */
    private record HandedOver(WindowResult result, long end, CompletableFuture<Void> done) {
    }

    /** Marks the windows published in order, each once it is handed over; stops (throws) at the first that failed. */
    private int markEachPublished(ArrayDeque<HandedOver> inFlight) {
        int published = 0;
        while (!inFlight.isEmpty()) {
            published += markPublished(inFlight.poll());
        }
        return published;
    }

    /** Waits until the window is handed over, then marks it published; returns 1 for a window published. */
    private int markPublished(HandedOver window) {
        if (window.result() != null) {
            try {
                window.done().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // closing: the window stays unpublished and goes out next time
                throw new PublishFailedException(window.result(), e);
            } catch (ExecutionException e) {
                throw new PublishFailedException(window.result(), e.getCause() == null ? e : e.getCause());
            }
            windowsEmitted.incrementAndGet();
        }
        store.markPublished(owner, window.end());
        return window.result() == null ? 0 : 1;
    }

    private void warnSkipped(long from, long to) {
        LOG.warning("aggregator " + settings.ownerId() + ": windows [" + Instant.ofEpochMilli(from) + ", "
                + Instant.ofEpochMilli(to) + ") were closed but never published, and their results are past the result "
                + "retention (" + settings.resultRetention() + "): skipped");
    }

    private CompletableFuture<Void> publishAsync(WindowResult result) {
        try {
            return publisher.publishAsync(result);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing: the window stays unpublished and goes out next time
            throw new PublishFailedException(result, e);
        } catch (RuntimeException e) {
            throw new PublishFailedException(result, e);
        }
    }

    private void demote(String why) {
        if (leader) {
            LOG.warning("aggregator " + settings.ownerId() + " is a standby now: " + why);
        }
        leader = false;
        closedHorizon = Long.MIN_VALUE; // a standby knows no horizon: it reads the store's when it leads again
    }

    /** A window was closed but its result could not be handed to the publisher; it is published again later. */
    public static final class PublishFailedException extends RuntimeException {
        PublishFailedException(WindowResult result, Throwable cause) {
            super("publishing window [" + result.start() + ", " + result.end() + ") failed: " + cause.getMessage(), cause);
        }
    }

    /**
     * Runs {@link #emitDue()} on a background thread. A leader wakes at each close time and at least every poll
     * interval; a standby every poll interval; after a failed step it backs off (poll interval, doubling up to half
     * the lease), so a leader that cannot publish or reach the store does not hammer it.
     */
    public synchronized WindowAggregator start() {
        if (loop != null) {
            throw new IllegalStateException("aggregator already started");
        }
        running = true;
        loop = DaemonThreadFactory.start("window-aggregator-" + settings.ownerId(), this::runLoop);
        return this;
    }

    private void runLoop() {
        int failures = 0;
        while (running && halted == null) {
            long sleep;
            try {
                emitDue();
                if (!aheadOfStore) {
                    trouble.recovered();
                }
                failures = 0;
                sleep = nextStepDelay();
            } catch (StoreLostException e) {
                return; // logged once where it was detected; stats() and halted() say why
            } catch (IllegalStateException e) {
                if (halted != null) {
                    return; // a window size or grace other than the deployment's: logged where it was detected
                }
                LOG.log(Level.SEVERE, "aggregator " + settings.ownerId() + ": step failed", e);
                sleep = backoff.delayMillis(failures++);
            } catch (StoreUnavailableException | PublishFailedException e) {
                trouble.problem(e.getMessage());
                sleep = backoff.delayMillis(failures++);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "aggregator " + settings.ownerId() + ": step failed", e);
                sleep = backoff.delayMillis(failures++);
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A leader sleeps until the next close time (at most a poll interval); a standby a poll interval. */
    long nextStepDelay() {
        long poll = settings.pollInterval().toMillis();
        long horizon = closedHorizon;
        if (!leader || horizon == Long.MIN_VALUE || aheadOfStore) {
            return poll;
        }
        long untilClose = window.closeTime(window.windowEnd(horizon)) - clock.millis();
        return Math.max(Math.min(poll, untilClose), Math.min(poll, 10));
    }

    public boolean isLeader() {
        return leader;
    }

    /**
     * Why this aggregator stopped for good ({@link StoreLostException}, a window size or grace other than the
     * deployment's), or {@code null} while it runs.
     */
    public String halted() {
        return halted;
    }

    /**
     * Under the names every rendering uses: {@code meteo.proxy.lease.held}, {@code meteo.proxy.windows.closed},
     * {@code .published}, {@code meteo.proxy.window.lag} (seconds from the end of the last closed window to now, by
     * this aggregator's clock; NaN for a standby).
     */
    @Override
    public List<Measurement> measurements() {
        Stats stats = stats();
        long horizon = stats.closedHorizonMillis();
        return List.of(
                Measurement.gauge("meteo.proxy.lease.held",
                        "1 while this proxy holds the lease (it is the active one), 0 for a standby", stats.leader() ? 1 : 0),
                Measurement.counter("meteo.proxy.windows.closed", "windows this proxy closed", stats.windowsClosed()),
                Measurement.counter("meteo.proxy.windows.published", "windows this proxy published", stats.windowsEmitted()),
                Measurement.gauge("meteo.proxy.window.lag.seconds", "now - the end of the last closed window (about grace "
                        + "to grace + window when healthy); NaN for a standby",
                        horizon == Long.MIN_VALUE ? Double.NaN : (clock.millis() - horizon) / 1000.0));
    }

    public Stats stats() {
        return new Stats(leader, windowsEmitted.get(), closedHorizon, halted, windowsClosed.get());
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
                store.releaseLease(owner);
            } catch (RuntimeException e) {
                LOG.warning("could not release the proxy lease: " + e.getMessage());
            }
            leader = false;
        }
    }
}
