package dev.meteo.nemesis;

import java.util.Map;

/**
 * What the sensors of a run know of their records, per sensor id: the launcher reads it from the sensors' final
 * status files (a restarted sensor keeps its id: its processes' reports added up). The checker holds it against the
 * store's per-sensor counts, so that a loss and a double count cannot cancel out in the totals.
 */
@FunctionalInterface
public interface SensorReports {

    /**
     * One sensor's records.
     *
     * @param confirmed records its transport confirmed (stored, or taken by the broker)
     * @param failed    records it gave up on: each may or may not have been stored
     * @param inDoubt   records sent by a process killed before it learnt their fate (0 when none was killed)
     */
    record Tally(long confirmed, long failed, long inDoubt) {

        public Tally {
            if (confirmed < 0 || failed < 0 || inDoubt < 0) {
                throw new IllegalArgumentException("a sensor's counts are not negative: " + confirmed + ", " + failed
                        + ", " + inDoubt);
            }
        }

        /** Two processes' tallies of one sensor id, added up. */
        public Tally plus(Tally other) {
            return new Tally(confirmed + other.confirmed, failed + other.failed, inDoubt + other.inDoubt);
        }
    }

    /** Per sensor id, its tally; every sensor of the run, each once. */
    Map<String, Tally> bySensor();
}
