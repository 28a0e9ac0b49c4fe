package dev.meteo.nemesis;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which faults explain late records ({@link Fault#explainsLateBy}), by kind, role, length and clock offset. */
class FaultTest {

    private static final Instant START = Instant.ofEpochMilli(1_000_000);
    private static final Instant RUN_END = START.plusSeconds(600);
    private static final Duration GRACE = Duration.ofSeconds(6);
    private static final Duration NO_PROCESSING = Duration.ZERO;

    /** A fault of {@code kind} on a process of {@code role} ({@code null}: no role, as before) lasting 20 s. */
    private static Fault longFault(FaultKind kind, String role) {
        return new Fault(kind, "target-1", START, START.plusSeconds(20), role == null ? Map.of()
                : Map.of(Fault.ROLE, role));
    }

    private static Fault clockOffset(String role, long offsetMillis) {
        Map<String, String> detail = new HashMap<>(Map.of(Fault.OFFSET_MILLIS, Long.toString(offsetMillis)));
        if (role != null) {
            detail.put(Fault.ROLE, role);
        }
        return new Fault(FaultKind.CLOCK_OFFSET, role + "-1", START, START.plusSeconds(20), detail);
    }

    private static boolean explains(Fault fault) {
        return fault.explainsLateBy(GRACE, NO_PROCESSING, RUN_END);
    }

    @Test
    void aLongFaultOnARoleOnTheWayToTheStoreExplainsLateRecords() {
        for (String role : new String[] {"lb", "server"}) {
            for (FaultKind kind : new FaultKind[] {FaultKind.KILL, FaultKind.PAUSE, FaultKind.PARTITION_HOST,
                    FaultKind.SLOW_LINK}) {
                assertTrue(explains(longFault(kind, role)), kind + " on " + role);
            }
        }
        assertTrue(explains(longFault(FaultKind.REDIS_PRIMARY_LOSS, "redis")));
        assertTrue(explains(longFault(FaultKind.RABBIT_NODE_LOSS, "rabbit")));
    }

    @Test
    void noFaultOnAProxyOrATerminalExplainsLateRecordsHoweverLong() {
        for (String role : new String[] {"proxy", "terminal"}) {
            for (FaultKind kind : new FaultKind[] {FaultKind.KILL, FaultKind.PAUSE, FaultKind.PARTITION_HOST,
                    FaultKind.SLOW_LINK}) {
                assertFalse(explains(longFault(kind, role)), kind + " on " + role);
            }
        }
        assertFalse(explains(longFault(FaultKind.TERMINAL_DISK_FULL, "terminal")));
    }

    @Test
    void aSensorCutOffFromTheLoadBalancersExplainsLateRecordsButAKilledSensorDoesNot() {
        assertTrue(explains(longFault(FaultKind.PARTITION_SENSOR_LB, "sensor")));
        assertFalse(explains(longFault(FaultKind.KILL, "sensor")));
    }

    @Test
    void aRoleNotKnownToBeOnTheWayToTheStoreExplainsNothing() {
        assertFalse(explains(longFault(FaultKind.PAUSE, "gateway")));
    }

    @Test
    void aFaultNoLongerThanTheGraceExplainsNothingWhateverItsRole() {
        Fault pause = new Fault(FaultKind.PAUSE, "server-1", START, START.plus(GRACE), Map.of(Fault.ROLE, "server"));
        assertFalse(explains(pause));
        assertTrue(explains(new Fault(FaultKind.PAUSE, "server-1", START, START.plus(GRACE).plusMillis(1),
                Map.of(Fault.ROLE, "server"))));
    }

    @Test
    void aFaultWithoutARoleIsJudgedAsBeforeWhateverItStruck() {
        for (FaultKind kind : FaultKind.values()) {
            if (kind != FaultKind.CLOCK_OFFSET) {
                assertEquals(kind.delaysStorage(), explains(longFault(kind, null)), kind.label());
            }
        }
        Fault proxyPause = new Fault(FaultKind.PAUSE, "proxy-1", START, START.plusSeconds(20), Map.of());
        assertTrue(proxyPause.role().isEmpty());
        assertTrue(explains(proxyPause), "a proxy's pause without a role explains as it did");
        // a clock offset without a role: only its offset counts against the grace, as before, whatever the processing
        assertTrue(explains(clockOffset(null, -6_001)));
        assertFalse(explains(clockOffset(null, -5_000)));
        assertFalse(clockOffset(null, -5_000).explainsLateBy(GRACE, Duration.ofMillis(3_500), RUN_END));
    }

    @Test
    void aSensorClockBehindExplainsLateRecordsWhenItsOffsetAndTheProcessingTimeExceedTheGrace() {
        Fault fiveSecondsBehind = clockOffset("sensor", -5_000);
        assertTrue(fiveSecondsBehind.explainsLateBy(GRACE, Duration.ofMillis(3_500), RUN_END));
        assertFalse(fiveSecondsBehind.explainsLateBy(GRACE, Duration.ZERO, RUN_END));
        assertFalse(fiveSecondsBehind.explainsLateBy(GRACE, Duration.ofMillis(1_000), RUN_END),
                "exactly the grace is not late");
        assertFalse(clockOffset("sensor", 5_000).explainsLateBy(GRACE, Duration.ofMillis(3_500), RUN_END),
                "a clock ahead makes no record late");
    }

    @Test
    void aClockOffsetOnAServerOrAProxyExplainsNothingHoweverFarBehind() {
        for (String role : new String[] {"server", "proxy"}) {
            assertFalse(clockOffset(role, -60_000).explainsLateBy(GRACE, Duration.ofMillis(3_500), RUN_END), role);
        }
    }

    @Test
    void aFaultShorterThanTheGraceExplainsLateRecordsWhenProcessingMakesUpTheRest() {
        Fault pause = new Fault(FaultKind.PAUSE, "server-1", START, START.plusSeconds(4), Map.of(Fault.ROLE, "server"));
        assertFalse(pause.explainsLateBy(GRACE, NO_PROCESSING, RUN_END));
        assertTrue(pause.explainsLateBy(GRACE, Duration.ofMillis(3_500), RUN_END));
    }

    @Test
    void aPartitionHoldsRecordsAsLongAgainAfterItEndsAndAPauseDoesNot() {
        Instant end = START.plusSeconds(9);
        Fault partition = new Fault(FaultKind.PARTITION_HOST, "lb-1", START, end, Map.of(Fault.ROLE, "lb"));
        Fault pause = new Fault(FaultKind.PAUSE, "lb-1", START, end, Map.of(Fault.ROLE, "lb"));
        assertEquals(end.plusSeconds(9), partition.heldUntil(RUN_END));
        assertEquals(end, pause.heldUntil(RUN_END));
        Fault cutShort = new Fault(FaultKind.PARTITION_SENSOR_LB, "air-1", START, START.plusSeconds(4),
                Map.of(Fault.ROLE, "sensor"));
        assertTrue(explains(cutShort), "4 s cut + 4 s of retransmission backoff > 6 s grace");
    }
}
