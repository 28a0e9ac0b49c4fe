package dev.meteo.simulation;

/**
 * How the simulated links behave now: the rate faults of the seed's plan set these during the run, and the drain heals
 * them, as a nemesis heals the network before the final read.
 */
final class NetworkConditions {

    /** The latest a record delivery, a reply or a write arrives when nothing is wrong; never 0, so events interleave. */
    static final long BASE_LATENCY_MILLIS = 5;

    long maxLatencyMillis = BASE_LATENCY_MILLIS;
    double duplicateRate;
    double lostReplyRate;
    double delayRate;
    double slowTerminalRate;
    double lostTerminalAnswerRate;
    double invalidRate;

    void heal() {
        maxLatencyMillis = BASE_LATENCY_MILLIS;
        duplicateRate = 0;
        lostReplyRate = 0;
        delayRate = 0;
        slowTerminalRate = 0;
        lostTerminalAnswerRate = 0;
        invalidRate = 0;
    }
}
