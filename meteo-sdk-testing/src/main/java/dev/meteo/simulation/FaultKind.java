package dev.meteo.simulation;

import java.util.EnumSet;
import java.util.Set;

/**
 * What the simulator can do to a deployment. Each seed picks a subset of the kinds its settings allow and, for each,
 * when, to which role and for how long (or how often), so the seeds between them cover the kinds alone and mixed.
 */
public enum FaultKind {
    /** Record deliveries and replies take widely different times, so they overtake each other. */
    REORDER("reorder"),
    /** Some record deliveries reach a compute node twice. */
    DUPLICATE("duplicate"),
    /** Some replies to sensors are lost: the sensor sends the same record again after its attempt's deadline. */
    LOSE_REPLY("lose-reply"),
    /** Some record deliveries are held for up to 15 s, some past the retention, after the sensor retried elsewhere. */
    DELAY_DELIVERY("delay-delivery"),
    /** A compute node stops and starts again later: the work it had queued is lost, the sensors retry. */
    CRASH_NODE("crash-node"),
    /** A compute node stands still for up to 12 s, holding what it received, some past the retention; then goes on. */
    PAUSE_NODE("pause-node"),
    /**
     * A proxy stands still past its lease, between steps or in the middle of one (between two store calls): the standby
     * takes over, and the paused one, when it goes on, must be fenced.
     */
    PAUSE_PROXY("pause-proxy"),
    /** A proxy stops without releasing its lease and starts again later: a new instance with the same id. */
    CRASH_PROXY("crash-proxy"),
    /** The store answers nothing for a while. */
    STORE_UNAVAILABLE("store-unavailable"),
    /** The store refuses stores and rejections for a while (maxmemory), while the proxies' calls go on. */
    STORE_FULL("store-full"),
    /** A proxy's clock runs ahead of or behind the store's. */
    PROXY_CLOCK("proxy-clock"),
    /** A compute node's clock runs ahead or behind (it judges how far in the future a detection time may be). */
    NODE_CLOCK("node-clock"),
    /** A sensor's clock runs behind (its records late) or far ahead (its records rejected). */
    SENSOR_CLOCK("sensor-clock"),
    /** A terminal stops and starts again on its durable state (the last window it kept). */
    CRASH_TERMINAL("crash-terminal"),
    /** Some calls to terminals outlast the proxy's deadline: taken late, or their answer lost. */
    SLOW_TERMINAL("slow-terminal"),
    /** Some readings are invalid (humidity above 100 %, negative CO2): rejected by the validator, counted once. */
    INVALID_RECORDS("invalid-records");

    private final String label;

    FaultKind(String label) {
        this.label = label;
    }

    /** The short name used in a run's fault description and on the command line. */
    public String label() {
        return label;
    }

    /** Every kind. (A store losing its data is not one: the aggregator must then halt, which the checks forbid.) */
    public static Set<FaultKind> all() {
        return EnumSet.allOf(FaultKind.class);
    }

    /** The kind with this {@link #label()}. */
    public static FaultKind ofLabel(String label) {
        for (FaultKind kind : values()) {
            if (kind.label.equals(label)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("no fault kind '" + label + "'; the kinds are " + all());
    }

    @Override
    public String toString() {
        return label;
    }
}
