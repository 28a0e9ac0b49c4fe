package dev.meteo.nemesis;

import java.util.Arrays;
import java.util.Set;

/**
 * What the nemesis can do to a deployment, each with the roles it strikes (as the launcher names them: {@code lb},
 * {@code server}, {@code proxy}, {@code terminal}, {@code sensor}, {@code redis}, {@code rabbit}) and whether it can
 * hold a record on its way to the store, which is the only way a fault explains a late record (and only when it
 * strikes a role on that way: {@link Fault#explainsLateBy}).
 */
public enum FaultKind {

    /**
     * SIGKILL, then the supervisor starts the process again: a crash. The fault ends at the restart. A sensor killed
     * leaves records in doubt (sent, fate unknown), which the checker's per-sensor bounds allow for.
     */
    KILL("kill", true, Set.of("lb", "server", "proxy", "terminal", "sensor")),
    /** SIGSTOP, then SIGCONT: a long GC pause or a VM migration; the process keeps its connections and work. */
    PAUSE("pause", true, Set.of("lb", "server", "proxy", "terminal")),
    /** The host's link down ({@code meteo-netns cut}): packets lost, connections open and silent. */
    PARTITION_HOST("partition-host", true, Set.of("lb", "server", "proxy", "terminal")),
    /** The sensor host's link to the load balancers down: records wait at the sensor and are retried. */
    PARTITION_SENSOR_LB("partition-sensor-lb", true, Set.of("sensor")),
    /** Every chunk towards the process (and back) held for a delay ({@link SlowLink}). */
    SLOW_LINK("slow-link", true, Set.of("lb", "server", "proxy", "terminal")),
    /**
     * The process restarted with {@code --clock-offset}. It holds no record back, but a sensor whose clock runs behind
     * by more than the grace (less the time a record takes to the store) has its records counted late by design:
     * {@link Fault#explainsLateBy} says so.
     */
    CLOCK_OFFSET("clock-offset", false, Set.of("server", "proxy", "sensor")),
    /** The Redis primary killed under Sentinel: no store answers until a replica is promoted. */
    REDIS_PRIMARY_LOSS("redis-primary-loss", true, Set.of("redis")),
    /** One RabbitMQ node of a 3-node cluster killed: its connections recover on another node. */
    RABBIT_NODE_LOSS("rabbit-node-loss", true, Set.of("rabbit")),
    /** The terminal's file cannot be written (its file size limit lowered): it refuses windows until it can. */
    TERMINAL_DISK_FULL("terminal-disk-full", false, Set.of("terminal"));

    private final String label;
    private final boolean delaysStorage;
    private final Set<String> roles;

    FaultKind(String label, boolean delaysStorage, Set<String> roles) {
        this.label = label;
        this.delaysStorage = delaysStorage;
        this.roles = roles;
    }

    /** The name in the history, on the command line and in the picture, e.g. {@code partition-host}. */
    public String label() {
        return label;
    }

    /** Whether this fault can hold a record on its way to the store, so make it late when it outlasts the grace. */
    public boolean delaysStorage() {
        return delaysStorage;
    }

    /** The roles this fault can strike. */
    public Set<String> roles() {
        return roles;
    }

    /**
     * The kind whose {@link #label()} is {@code label}.
     *
     * @throws IllegalArgumentException naming the known labels when none is
     */
    public static FaultKind ofLabel(String label) {
        for (FaultKind kind : values()) {
            if (kind.label.equals(label)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("no fault kind '" + label + "': use one of "
                + Arrays.stream(values()).map(FaultKind::label).toList());
    }

    @Override
    public String toString() {
        return label;
    }
}
