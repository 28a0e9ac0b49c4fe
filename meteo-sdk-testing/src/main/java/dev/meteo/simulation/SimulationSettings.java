package dev.meteo.simulation;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a simulation runs: the fault kinds a seed may pick from, how long the sensors emit, and which store design the
 * deployment runs on. Everything else (how many sensors and compute nodes, their rates, which faults and when) the
 * seed decides.
 *
 * @param faults                    the kinds each seed picks a subset of
 * @param sensorsRun                simulated time the sensors emit before the drain
 * @param identitiesForgottenAtTrim run on a store that emulates the previous design (identities kept only for the
 *                                  retention, {@code InMemoryStore.forgettingIdentitiesAtTrim}), to show the simulation
 *                                  finds its double count
 * @param terminalsTakeAGapOnSecondOffer terminals follow today's direct-mode rule ({@code GrpcTerminalServer}): a
 *                                  window refused because it leaves a gap is taken when offered again, whether or not
 *                                  the proxy got the refusal; by default they take a gap only when the proxy says it
 *                                  knows their position and has nothing to fill it with (see {@code ResultPath})
 */
public record SimulationSettings(Set<FaultKind> faults, Duration sensorsRun, boolean identitiesForgottenAtTrim,
                                 boolean terminalsTakeAGapOnSecondOffer) {

    public SimulationSettings {
        Objects.requireNonNull(faults, "faults");
        Objects.requireNonNull(sensorsRun, "sensorsRun");
        faults = faults.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(faults));
        if (sensorsRun.toMillis() < 1_000) {
            throw new IllegalArgumentException("the sensors must run at least a second: " + sensorsRun);
        }
    }

    /** Every fault kind, sensors emitting for 15 simulated seconds, on the store as it is. */
    public static SimulationSettings defaults() {
        return new SimulationSettings(FaultKind.all(), Duration.ofSeconds(15), false, false);
    }

    public SimulationSettings withFaults(Set<FaultKind> kinds) {
        return new SimulationSettings(kinds, sensorsRun, identitiesForgottenAtTrim, terminalsTakeAGapOnSecondOffer);
    }

    public SimulationSettings withSensorsRun(Duration run) {
        return new SimulationSettings(faults, run, identitiesForgottenAtTrim, terminalsTakeAGapOnSecondOffer);
    }

    /** On a store that forgets identities with their windows' statistics: the design before identities per sensor. */
    public SimulationSettings withIdentitiesForgottenAtTrim() {
        return new SimulationSettings(faults, sensorsRun, true, terminalsTakeAGapOnSecondOffer);
    }

    /** With today's direct-mode terminals, which take a window refused for a gap when it is offered again. */
    public SimulationSettings withTerminalsTakingAGapOnSecondOffer() {
        return new SimulationSettings(faults, sensorsRun, identitiesForgottenAtTrim, true);
    }
}
