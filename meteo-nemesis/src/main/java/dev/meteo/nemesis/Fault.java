package dev.meteo.nemesis;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One fault as it happened: its kind, the process (or node, or host) it struck, when it started and when it ended,
 * and what else describes it ({@code detail}: e.g. {@code role} of the process struck, {@code offset-ms} of a clock
 * offset, {@code delay-ms} of a slow link). {@code end} is {@code null} for a fault the history saw start and not end
 * (the run stopped first).
 */
public record Fault(FaultKind kind, String target, Instant start, Instant end, Map<String, String> detail) {

    /** The detail key of a clock offset, in milliseconds, negative when behind. */
    public static final String OFFSET_MILLIS = "offset-ms";
    /** The detail key of a slow link's delay per chunk, in milliseconds. */
    public static final String DELAY_MILLIS = "delay-ms";
    /**
     * The detail key of the role of the process struck, as the launcher names it ({@code lb}, {@code server},
     * {@code proxy}, {@code terminal}, {@code sensor}, {@code redis}, {@code rabbit}). Histories written before it
     * existed have none.
     */
    public static final String ROLE = "role";

    /**
     * The roles a record passes through between its sensor and the store: holding one of them holds the record. The
     * proxies and terminals come after the store, and a sensor is a case of its own ({@link #explainsLateBy}).
     */
    private static final Set<String> ON_THE_WAY_TO_THE_STORE = Set.of("lb", "server", "redis", "rabbit");

    public Fault {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(start, "start");
        if (end != null && end.isBefore(start)) {
            throw new IllegalArgumentException("fault " + kind + " on " + target + " ends (" + end
                    + ") before it starts (" + start + ")");
        }
        detail = detail == null ? Map.of() : Map.copyOf(new TreeMap<>(detail));
    }

    /** Whether the history saw it end. */
    public boolean ended() {
        return end != null;
    }

    /** Its end, or {@code otherwise} when it did not end (the end of the run, for a fault still going). */
    public Instant endOr(Instant otherwise) {
        return end != null ? end : otherwise;
    }

    /** How long it lasted, up to {@code otherwise} when it did not end. */
    public Duration duration(Instant otherwise) {
        return Duration.between(start, endOr(otherwise));
    }

    /** A detail read as a number, or {@code absent} when it has none. */
    public long detailLong(String key, long absent) {
        String value = detail.get(key);
        return value == null ? absent : Long.parseLong(value);
    }

    /** The role of the process struck ({@link #ROLE}), or empty for a history written before faults carried it. */
    public Optional<String> role() {
        return Optional.ofNullable(detail.get(ROLE));
    }

    /**
     * Whether this fault can explain records made late under a grace of {@code grace}, when a record may take up to
     * {@code processing} from its detection to the store with nothing failing.
     * <ul>
     * <li>A fault that can hold records on their way to the store for longer than the grace less the processing time
     *     (its duration, and for a partition its after-effect: {@link #heldUntil}; a shorter one is retried around
     *     within the grace), if it struck a role on that way: a load balancer, a compute server, Redis,
     *     RabbitMQ, or a sensor cut off from the load balancers (its records wait and are retried with their old
     *     detection time). Not a proxy (held, it closes windows later, not earlier, and its standby takes over), not a
     *     terminal (after the store), not a killed sensor (its restarted process does not resend: the records it lost
     *     are in doubt, not late), nor a role not known to be on the way.</li>
     * <li>A clock offset on a sensor behind by more than the grace less the processing time: its records reach the
     *     store up to {@code -offset + processing} after the time they claim, so they are late by design. A clock
     *     offset on any other role holds no record.</li>
     * </ul>
     * A fault without a role (a history written before {@link #ROLE}) is judged as before: any role's, and a clock
     * offset only when it alone exceeds the grace.
     */
    public boolean explainsLateBy(Duration grace, Duration processing, Instant runEnd) {
        Optional<String> role = role();
        if (kind == FaultKind.CLOCK_OFFSET) {
            long behindMillis = -detailLong(OFFSET_MILLIS, 0);
            if (role.isEmpty()) {
                return behindMillis > grace.toMillis();
            }
            return role.get().equals("sensor") && behindMillis + processing.toMillis() > grace.toMillis();
        }
        Duration held = Duration.between(start, heldUntil(runEnd));
        if (!kind.delaysStorage() || held.plus(processing).compareTo(grace) <= 0) {
            return false;
        }
        return role.map(struck -> ON_THE_WAY_TO_THE_STORE.contains(struck)
                        || (struck.equals("sensor") && kind == FaultKind.PARTITION_SENSOR_LB))
                .orElse(true);
    }

    /**
     * Until when this fault may still hold records back: its end, and for a partition as long again after it. TCP
     * retransmits what the cut link lost with a doubling timeout, so the first retry after the link is back may come
     * as long after as the cut lasted (a 9 s cut delayed records 7 s past its end here).
     */
    public Instant heldUntil(Instant runEnd) {
        Instant end = endOr(runEnd);
        boolean partition = kind == FaultKind.PARTITION_HOST || kind == FaultKind.PARTITION_SENSOR_LB;
        return partition ? end.plus(Duration.between(start, end)) : end;
    }

    /** {@code kind target [start, end)}, for logs and verdicts. */
    @Override
    public String toString() {
        return kind + " " + target + " [" + start + ", " + (end == null ? "not ended" : end) + ")"
                + (detail.isEmpty() ? "" : " " + detail);
    }
}
