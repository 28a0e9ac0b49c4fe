package dev.meteo.simulation;

import dev.meteo.testing.InMemoryStore;

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
 * @param storeRangeLimit          ranges of classified sequences the store keeps per sensor; less than the default
 *                                  emulates the early version that kept 64 and lost overtaken records under load
 * @param sensorIntervalMillis     the shortest and longest time between two readings of a sensor (each sensor draws
 *                                  one); shorter means more of a sensor's records in flight at once
 * @param terminalsTakeAGapOnSecondOffer terminals follow today's direct-mode rule ({@code GrpcTerminalServer}): a
 *                                  window refused because it leaves a gap is taken when offered again, whether or not
 *                                  the proxy got the refusal; by default they take a gap only when the proxy says it
 *                                  knows their position and has nothing to fill it with (see {@code ResultPath})
 */
public record SimulationSettings(Set<FaultKind> faults, Duration sensorsRun, boolean identitiesForgottenAtTrim,
                                 boolean terminalsTakeAGapOnSecondOffer, int storeRangeLimit,
                                 long[] sensorIntervalMillis) {

    public SimulationSettings {
        Objects.requireNonNull(faults, "faults");
        Objects.requireNonNull(sensorsRun, "sensorsRun");
        faults = faults.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(faults));
        if (sensorIntervalMillis.length != 2 || sensorIntervalMillis[0] < 1
                || sensorIntervalMillis[1] < sensorIntervalMillis[0]) {
            throw new IllegalArgumentException("sensor intervals: a shortest of 1 ms or more and a longest above it");
        }
        sensorIntervalMillis = sensorIntervalMillis.clone();
        if (sensorsRun.toMillis() < 1_000) {
            throw new IllegalArgumentException("the sensors must run at least a second: " + sensorsRun);
        }
    }

    /** Every fault kind, sensors emitting for 15 simulated seconds, on the store as it is. */
    public static SimulationSettings defaults() {
        return new SimulationSettings(FaultKind.all(), Duration.ofSeconds(15), false, false, InMemoryStore.MAX_RANGES,
                new long[] {50, 250});
    }

    public SimulationSettings withFaults(Set<FaultKind> kinds) {
        return new SimulationSettings(kinds, sensorsRun, identitiesForgottenAtTrim, terminalsTakeAGapOnSecondOffer,
                storeRangeLimit, sensorIntervalMillis);
    }

    public SimulationSettings withSensorsRun(Duration run) {
        return new SimulationSettings(faults, run, identitiesForgottenAtTrim, terminalsTakeAGapOnSecondOffer,
                storeRangeLimit, sensorIntervalMillis);
    }

    /** On a store that forgets identities with their windows' statistics: the design before identities per sensor. */
    public SimulationSettings withIdentitiesForgottenAtTrim() {
        return new SimulationSettings(faults, sensorsRun, true, terminalsTakeAGapOnSecondOffer, storeRangeLimit,
                sensorIntervalMillis);
    }

    /** With today's direct-mode terminals, which take a window refused for a gap when it is offered again. */
    public SimulationSettings withTerminalsTakingAGapOnSecondOffer() {
        return new SimulationSettings(faults, sensorsRun, identitiesForgottenAtTrim, true, storeRangeLimit,
                sensorIntervalMillis);
    }

    /** On a store that keeps at most {@code ranges} ranges per sensor ({@code InMemoryStore.withRangeLimit}). */
    public SimulationSettings withStoreRangeLimit(int ranges) {
        return new SimulationSettings(faults, sensorsRun, identitiesForgottenAtTrim, terminalsTakeAGapOnSecondOffer,
                ranges, sensorIntervalMillis);
    }

    /** Sensors reading every {@code shortest} to {@code longest} ms (each draws one). */
    public SimulationSettings withSensorIntervals(long shortest, long longest) {
        return new SimulationSettings(faults, sensorsRun, identitiesForgottenAtTrim, terminalsTakeAGapOnSecondOffer,
                storeRangeLimit, new long[] {shortest, longest});
    }
}
