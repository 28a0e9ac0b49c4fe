package dev.meteo.simulation;

/** A seed whose run the checker failed: the message has the seed, what went wrong, the faults, and how to replay it. */
public final class SimulationFailedException extends RuntimeException {

    private final transient SimulationRun run;

    public SimulationFailedException(SimulationRun run) {
        super("simulation seed " + run.seed() + " failed: " + String.join(" | ", run.problems()) + "\n  faults: "
                + run.faults() + "\n  replay: -Dmeteo.sim.seed=" + run.seed() + " (SimulationTest), or SimulationMain "
                + run.seed() + " --trace");
        this.run = run;
    }

    public SimulationRun run() {
        return run;
    }
}
