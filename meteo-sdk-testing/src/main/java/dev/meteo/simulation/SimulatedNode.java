package dev.meteo.simulation;

import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.store.CoefficientStore;

import java.time.Duration;

/**
 * A compute server in the simulation: the real {@link ComputeNode}, its store writes run one event at a time on a
 * {@link SteppedExecutor}. It can crash (its queued writes are never run, what it received is lost) and start again as
 * a new instance, or pause (it holds what it has and what arrives, and goes on when it wakes).
 */
final class SimulatedNode {

    /** Past this, a detection time is rejected as in the future; sensors' clocks are set far beyond it to be rejected. */
    static final Duration MAX_FUTURE_SKEW = Duration.ofSeconds(60);

    final String id;
    final OffsetClock clock;
    private final SimulatedDeployment deployment;
    private final ComputeSettings settings;
    private ComputeNode node;
    private SteppedExecutor writes;
    private int incarnation;
    private boolean down;
    private long pausedUntil = Long.MIN_VALUE;

    SimulatedNode(String id, int maxBatch, SimulatedDeployment deployment) {
        this.id = id;
        this.deployment = deployment;
        this.clock = new OffsetClock(deployment.clock);
        // no processing delay: its timer is a thread of its own; the simulator delays deliveries and writes instead
        this.settings = ComputeSettings.of(id).withMaxBatch(maxBatch).withMaxFutureSkew(MAX_FUTURE_SKEW);
    }

    void start(CoefficientStore store) {
        incarnation++;
        down = false;
        pausedUntil = Long.MIN_VALUE; // a process started again is not paused
        int mine = incarnation;
        writes = new SteppedExecutor(executor -> scheduleWrite(executor, mine));
        node = new ComputeNode(settings, store, clock, writes);
    }

    private void scheduleWrite(SteppedExecutor executor, int mine) {
        deployment.loop.after(deployment.latency(), () -> runWrite(executor, mine));
    }

    private void runWrite(SteppedExecutor executor, int mine) {
        if (mine != incarnation) {
            return; // crashed meanwhile: the write is lost with the process
        }
        if (paused()) {
            deployment.loop.at(pausedUntil, () -> runWrite(executor, mine));
            return;
        }
        executor.runOne();
    }

    /** Stops at once: queued writes and received records are lost, nothing more is answered by this instance. */
    void crash() {
        down = true;
        incarnation++;
        node = null;
        writes = null;
    }

    void pauseUntil(long millis) {
        pausedUntil = Math.max(pausedUntil, millis);
    }

    boolean paused() {
        return deployment.loop.now() < pausedUntil;
    }

    long pausedUntil() {
        return pausedUntil;
    }

    boolean down() {
        return down;
    }

    /** The running instance, or {@code null} while down. */
    ComputeNode node() {
        return node;
    }

    int incarnation() {
        return incarnation;
    }

    /** No write waiting (a crashed instance's are gone for good). */
    boolean idle() {
        return writes == null || writes.idle();
    }
}
