package dev.meteo.nemesis;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduleTest {

    /** The HA topology of issue 21: 2 load balancers, 3 servers, 2 proxies, 2 terminals, sensors, Redis, RabbitMQ. */
    private static Map<String, List<String>> haTopology() {
        Map<String, List<String>> targets = new LinkedHashMap<>();
        targets.put("lb", List.of("lb-1", "lb-2"));
        targets.put("server", List.of("server-1", "server-2", "server-3"));
        targets.put("proxy", List.of("proxy-1", "proxy-2"));
        targets.put("terminal", List.of("terminal-1", "terminal-2"));
        targets.put("sensor", List.of("sensor-air", "sensor-pollution"));
        targets.put("redis", List.of("redis-primary"));
        targets.put("rabbit", List.of("rabbit-1", "rabbit-2", "rabbit-3"));
        return targets;
    }

    private static final Schedule.Settings HALF_AN_HOUR = Schedule.Settings.defaults(Duration.ofMinutes(30));

    @Test
    void theSameSeedGivesTheSameScheduleWhateverTheOrderOfTheTargets() {
        Schedule first = Schedule.of(haTopology(), HALF_AN_HOUR, 42);
        Map<String, List<String>> reordered = new LinkedHashMap<>();
        List<String> roles = List.copyOf(haTopology().keySet());
        for (int i = roles.size() - 1; i >= 0; i--) {
            List<String> names = new java.util.ArrayList<>(haTopology().get(roles.get(i)));
            java.util.Collections.reverse(names);
            reordered.put(roles.get(i), names);
        }
        Schedule replay = Schedule.of(reordered, HALF_AN_HOUR, 42);
        assertEquals(first, replay);
        assertEquals(first.toString(), replay.toString());
        assertNotEquals(first.faults(), Schedule.of(haTopology(), HALF_AN_HOUR, 43).faults());
        assertTrue(first.describe().contains("--chaos-seed 42"), first.describe());
    }

    @Test
    void faultsComeOneAtATimeInsideTheRunAwayFromItsQuietEndsOnTargetsOfTheirRoles() {
        for (long seed = 0; seed < 200; seed++) {
            Schedule schedule = Schedule.of(haTopology(), HALF_AN_HOUR, seed);
            Duration previousEnd = Duration.ZERO;
            for (PlannedFault fault : schedule.faults()) {
                assertTrue(fault.at().compareTo(HALF_AN_HOUR.quietStart()) >= 0, fault.toString());
                assertTrue(fault.endsAt().compareTo(HALF_AN_HOUR.runLength().minus(HALF_AN_HOUR.quietEnd())) <= 0,
                        fault.toString());
                assertTrue(fault.at().compareTo(previousEnd.plus(HALF_AN_HOUR.gap().min())) >= 0
                        || previousEnd.isZero(), "overlaps the one before: " + fault);
                previousEnd = fault.endsAt();
                String role = haTopology().entrySet().stream()
                        .filter(entry -> entry.getValue().contains(fault.target())).findFirst().orElseThrow().getKey();
                assertTrue(fault.kind().roles().contains(role), fault + " strikes a " + role);
                Schedule.Bounds bounds = HALF_AN_HOUR.durations().get(fault.kind());
                assertTrue(fault.duration().compareTo(bounds.max()) <= 0, fault.toString());
            }
        }
    }

    @Test
    void aLongRunHasEveryKindAndSomePausesPastTheRetention() {
        Set<FaultKind> seen = EnumSet.noneOf(FaultKind.class);
        int pauses = 0;
        int pastRetention = 0;
        for (long seed = 0; seed < 20; seed++) {
            for (PlannedFault fault : Schedule.of(haTopology(), HALF_AN_HOUR, seed).faults()) {
                seen.add(fault.kind());
                if (fault.kind() == FaultKind.PAUSE) {
                    pauses++;
                    assertTrue(fault.duration().compareTo(Duration.ofSeconds(1)) >= 0, fault.toString());
                    if (fault.duration().compareTo(HALF_AN_HOUR.retention()) > 0) {
                        pastRetention++;
                    }
                }
                if (fault.kind() == FaultKind.CLOCK_OFFSET) {
                    long offset = Math.abs(Long.parseLong(fault.detail().get(Fault.OFFSET_MILLIS)));
                    assertTrue(offset >= 1_000 && offset <= 20_000, fault.toString());
                }
                if (fault.kind() == FaultKind.SLOW_LINK) {
                    assertTrue(fault.detail().containsKey(Fault.DELAY_MILLIS), fault.toString());
                }
            }
        }
        assertEquals(EnumSet.allOf(FaultKind.class), seen);
        assertTrue(pastRetention > 0 && pastRetention < pauses, pastRetention + " of " + pauses + " past retention");
    }

    @Test
    void onlyTheEnabledKindsWithATargetAreDrawn() {
        Map<String, List<String>> plain = Map.of("server", List.of("server-1", "server-2"),
                "terminal", List.of("terminal-1"));
        Schedule.Settings settings = HALF_AN_HOUR.withKinds(EnumSet.of(FaultKind.PAUSE, FaultKind.REDIS_PRIMARY_LOSS,
                FaultKind.TERMINAL_DISK_FULL));
        Set<FaultKind> drawn = new HashSet<>();
        Schedule.of(plain, settings, 7).faults().forEach(fault -> drawn.add(fault.kind()));
        assertEquals(Set.of(FaultKind.PAUSE, FaultKind.TERMINAL_DISK_FULL), drawn);
        assertThrows(IllegalArgumentException.class,
                () -> Schedule.of(plain, HALF_AN_HOUR.withKinds(EnumSet.of(FaultKind.RABBIT_NODE_LOSS)), 7));
    }

    @Test
    void aShortRunStillGetsFaultsWithinItsBounds() {
        Schedule.Settings threeMinutes = Schedule.Settings.defaults(Duration.ofMinutes(3))
                .withDurations(FaultKind.PAUSE, Schedule.Bounds.ofSeconds(1, 90));
        Schedule schedule = Schedule.of(haTopology(), threeMinutes, 2024);
        assertTrue(schedule.faults().size() >= 2, schedule.toString());
        assertEquals(schedule, Schedule.of(haTopology(), threeMinutes, 2024));
    }
}
