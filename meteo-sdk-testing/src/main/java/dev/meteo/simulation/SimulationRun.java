package dev.meteo.simulation;

import java.util.List;
import java.util.Locale;

/**
 * What one seed did and the checker's verdict.
 *
 * @param seed             the seed: {@code -Dmeteo.sim.seed=<seed>} replays it
 * @param faults           the faults it injected, on one line
 * @param problems         what the checker found wrong; empty when the run passed
 * @param digest           a digest of every event of the run: the same seed gives the same digest
 * @param sent             records the sensors sent (each identity once, however many times it was retried)
 * @param confirmed        of those, records whose sensor got a confirmation
 * @param failed           of those, records the sensors gave up on or were told invalid
 * @param stored           records the store classified in a window
 * @param late             records it classified late
 * @param rejected         records it classified rejected
 * @param windows          windows closed
 * @param events           events the simulation ran
 * @param simulatedMillis  simulated time from the start to the end of the drain
 */
public record SimulationRun(long seed, String faults, List<String> problems, long digest, long sent, long confirmed,
                            long failed, long stored, long late, long rejected, int windows, long events,
                            long simulatedMillis) {

    public SimulationRun {
        problems = List.copyOf(problems);
    }

    public boolean passed() {
        return problems.isEmpty();
    }

    /** The run on one line: seed, verdict, counts, faults. */
    public String summary() {
        return String.format(Locale.ROOT, "seed %d %s: %d sent (%d confirmed, %d failed), %d stored, %d late, %d rejected,"
                        + " %d windows, %d events, %.1f simulated s, digest %016x; faults: %s%s", seed,
                passed() ? "passed" : "FAILED", sent, confirmed, failed, stored, late, rejected, windows, events,
                simulatedMillis / 1000.0, digest, faults, passed() ? "" : "; problems: " + String.join(" | ", problems));
    }
}
