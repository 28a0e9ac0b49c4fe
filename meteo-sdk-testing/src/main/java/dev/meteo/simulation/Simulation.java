package dev.meteo.simulation;

import dev.meteo.sensor.Sensor;
import dev.meteo.store.SensorCounts;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A deterministic simulation of Meteo's core, as FoundationDB and TigerBeetle test theirs: the SDK's real roles
 * (sensors, compute nodes, a window aggregator with a standby, terminals) on the in-memory store, on one thread and one
 * simulated clock, every choice drawn from one seeded random source: the deployment's shape, which due event runs next,
 * every latency, and the faults ({@link FaultKind}). A seed runs in milliseconds and ends with the same checks; the
 * same seed runs the same way every time (its {@link SimulationRun#digest()}), so a failing seed is replayed, traced
 * and kept as a regression test. Not thread-safe: one run at a time per instance.
 */
public final class Simulation {

    private final SimulationSettings settings;

    public Simulation(SimulationSettings settings) {
        this.settings = settings;
    }

    /** A simulation with every fault kind, on the store as it is. */
    public static Simulation withDefaults() {
        return new Simulation(SimulationSettings.defaults());
    }

    public SimulationSettings settings() {
        return settings;
    }

    /** Runs one seed and returns the verdict (a failed check is in {@link SimulationRun#problems()}, not thrown). */
    public SimulationRun run(long seed) {
        return run(seed, null);
    }

    /** As {@link #run(long)}, telling {@code traceLines} every event, one line each, for a person reading a seed. */
    public SimulationRun run(long seed, Consumer<String> traceLines) {
        SimulatedDeployment deployment = new SimulatedDeployment(settings, seed, traceLines);
        List<String> problems = new ArrayList<>();
        try {
            deployment.run();
            problems.addAll(SimulationChecks.problems(deployment));
        } catch (RuntimeException | Error e) {
            StringWriter stack = new StringWriter();
            e.printStackTrace(new PrintWriter(stack));
            problems.add("the run threw " + stack.toString().lines().limit(8).reduce((a, b) -> a + " / " + b).orElse(""));
        }
        return summarise(deployment, problems);
    }

    /**
     * Runs one seed and returns its run when the checks pass.
     *
     * @throws SimulationFailedException with the seed, the problems and the faults when they do not
     */
    public SimulationRun check(long seed) {
        SimulationRun run = run(seed);
        if (!run.passed()) {
            throw new SimulationFailedException(run);
        }
        return run;
    }

    /**
     * Silences the roles' logs until closed: thousands of faulty runs log takeovers, outages and refused records by the
     * thousand, and a run's trace says what happened. Closing restores the level it found.
     */
    public static AutoCloseable quietRoleLogs() {
        Logger roles = Logger.getLogger("dev.meteo");
        Level before = roles.getLevel();
        roles.setLevel(Level.OFF);
        return () -> roles.setLevel(before); // the lambda holds the logger, which would otherwise be collected
    }

    private static SimulationRun summarise(SimulatedDeployment deployment, List<String> problems) {
        long sent = 0;
        long confirmed = 0;
        long failed = 0;
        for (SimulatedSensor sensor : deployment.sensors) {
            Sensor.Stats stats = sensor.sensor.stats();
            sent += stats.sent();
            confirmed += stats.confirmed();
            failed += stats.failed();
        }
        long stored = 0;
        long late = 0;
        long rejected = 0;
        int windows = 0;
        try {
            for (SensorCounts counts : deployment.store.sensorCounts().values()) {
                stored += counts.stored();
                late += counts.late();
                rejected += counts.rejected();
            }
            windows = deployment.store.resultsBetween(Long.MIN_VALUE, deployment.store.closedHorizon()).size();
        } catch (RuntimeException e) {
            // the run already failed and says why; the counts stay 0
        }
        Trace trace = deployment.trace;
        for (long value : new long[] {sent, confirmed, failed, stored, late, rejected, windows}) {
            trace.mix(value);
        }
        String injected = deployment.rateFaultsInjected();
        String faults = deployment.plan.describe() + (injected.isEmpty() ? "" : " (" + injected + ")");
        return new SimulationRun(deployment.seed, faults, problems, trace.digest(), sent, confirmed,
                failed, stored, late, rejected, windows, deployment.loop.eventsRun(),
                deployment.loop.now() - deployment.startMillis);
    }
}
