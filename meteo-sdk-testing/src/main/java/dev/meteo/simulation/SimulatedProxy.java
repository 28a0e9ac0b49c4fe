package dev.meteo.simulation;

import dev.meteo.store.StoreLostException;
import dev.meteo.store.StoreUnavailableException;
import dev.meteo.window.AggregatorSettings;
import dev.meteo.window.WindowAggregator;
import dev.meteo.window.WindowSpec;

import java.time.Duration;

/**
 * A proxy in the simulation: the real {@link WindowAggregator} on its own clock, its publisher on the simulated result
 * path, stepped with {@link WindowAggregator#emitDue()} every poll interval (backing off after a failed step, as its
 * own loop does). It can pause (between steps, or inside one: {@link PausingWindowStore}) and crash, coming back as a
 * new instance with the same id.
 */
final class SimulatedProxy {

    static final WindowSpec WINDOW = WindowSpec.of(Duration.ofSeconds(1), Duration.ofMillis(300));
    static final Duration LEASE = Duration.ofSeconds(2);
    static final Duration POLL = Duration.ofMillis(200);
    /** Three windows: a node paused for seconds holds records past it. */
    static final int RETENTION_WINDOWS = 3;

    final String id;
    final OffsetClock clock;
    private final SimulatedDeployment deployment;
    private final AggregatorSettings settings;
    private WindowAggregator aggregator;
    private PausingWindowStore store;
    private ResultPath.Publisher publisher;
    private int incarnation;
    private boolean down = true;
    private long pausedUntil = Long.MIN_VALUE;
    private int failures;
    private String halted;

    SimulatedProxy(String id, SimulatedDeployment deployment) {
        this.id = id;
        this.deployment = deployment;
        this.clock = new OffsetClock(deployment.clock);
        // results kept far longer than a run: the checker compares every terminal with all of them
        this.settings = AggregatorSettings.of(WINDOW, id).withLease(LEASE, POLL).withRetentionWindows(RETENTION_WINDOWS)
                .withResultRetention(Duration.ofDays(1));
    }

    void start() {
        incarnation++;
        down = false;
        failures = 0;
        pausedUntil = Long.MIN_VALUE; // a process started again is not paused
        store = new PausingWindowStore(deployment.store, this, incarnation, deployment.loop);
        publisher = deployment.resultPath.open(id);
        aggregator = new WindowAggregator(settings, store, publisher, clock);
        int mine = incarnation;
        deployment.loop.after(0, () -> step(mine));
    }

    private void step(int mine) {
        if (mine != incarnation || halted != null) {
            return;
        }
        if (deployment.loop.now() < pausedUntil) {
            deployment.loop.at(pausedUntil, () -> step(mine));
            return;
        }
        try {
            int published = aggregator.emitDue();
            failures = 0;
            deployment.trace.event(deployment.loop.now(), id, aggregator.isLeader() ? "steps (active)" : "steps (standby)",
                    aggregator.stats().closedHorizonMillis(), published);
        } catch (PausingWindowStore.ProcessKilled killed) {
            return; // crashed while it stood still inside this step
        } catch (StoreUnavailableException | WindowAggregator.PublishFailedException e) {
            failures++;
            deployment.trace.event(deployment.loop.now(), id, "step failed", e.getClass().getSimpleName(), failures);
        } catch (StoreLostException | IllegalStateException e) {
            if (aggregator.halted() == null) {
                deployment.unexpected("proxy " + id + ": emitDue threw " + e);
                failures++;
            }
        } catch (RuntimeException e) {
            deployment.unexpected("proxy " + id + ": emitDue threw " + e);
            failures++;
        }
        if (aggregator.halted() != null) {
            halted = aggregator.halted();
            deployment.trace.note(deployment.loop.now(), "proxy " + id + " halted: " + halted);
            return;
        }
        deployment.afterProxyStep();
        deployment.loop.after(nextStepDelay(), () -> step(mine));
    }

    /** A poll interval (with jitter); after failed steps, doubling up to half the lease, as the aggregator's loop. */
    private long nextStepDelay() {
        long poll = POLL.toMillis();
        if (failures == 0) {
            return poll / 2 + deployment.random.nextLong(poll / 2 + 1);
        }
        return Math.min(poll << Math.min(failures - 1, 10), LEASE.toMillis() / 2);
    }

    /** Stops at once, lease not released, as a killed process. */
    void crash() {
        down = true;
        incarnation++;
        if (publisher != null) {
            publisher.close();
        }
        aggregator = null;
    }

    void pauseUntil(long millis) {
        pausedUntil = Math.max(pausedUntil, millis);
    }

    /** The running instance stands still before one of its next store calls. */
    void pauseInStep(int calls, long millis) {
        store.pauseBeforeCall(calls, millis);
    }

    boolean down() {
        return down;
    }

    int incarnation() {
        return incarnation;
    }

    /** Why it stopped for good, or {@code null}. */
    String halted() {
        return halted;
    }
}
