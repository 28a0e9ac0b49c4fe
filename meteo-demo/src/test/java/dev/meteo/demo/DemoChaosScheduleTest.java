package dev.meteo.demo;

import dev.meteo.cli.Meteo;
import dev.meteo.cli.options.Mode;
import dev.meteo.nemesis.FaultKind;
import dev.meteo.nemesis.PlannedFault;
import dev.meteo.nemesis.Schedule;
import dev.meteo.process.Nemesis;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The schedule {@code demo --chaos} runs, drawn from its flags and seed alone, without starting anything: the same
 * seed gives the same faults (a failed run replays from the seed it printed), and the seeds {@link DemoChaosTest} fixes
 * give each of its runs the faults its checks need, early enough that a slow restart does not push them past the run.
 */
class DemoChaosScheduleTest {

    /** The schedule a demo with these flags would run with {@code seed}. */
    static Schedule schedule(List<String> flags, long seed) {
        DemoCommand demo = (DemoCommand) Meteo.commandLine().parseArgs(flags.toArray(String[]::new)).subcommand()
                .commandSpec().userObject();
        return demo.chaosSchedule(seed);
    }

    private static long seedOf(List<String> flags) {
        return Long.parseLong(flags.get(flags.indexOf("--chaos-seed") + 1));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void theSameSeedAndFlagsGiveTheSameFaultsInTheSameOrder(Mode mode) {
        List<String> flags = DemoRuns.mixedFaultsFlags(mode);

        Schedule once = schedule(flags, 42);
        Schedule again = schedule(flags, 42);

        assertEquals(once.faults(), again.faults());
        assertEquals(once, again);
        assertTrue(once.describe().contains("--chaos-seed 42"), once.describe());
        assertNotEquals(once.faults(), schedule(flags, 43).faults(), "another seed, other faults");
        for (PlannedFault fault : once.faults()) {
            assertTrue(Nemesis.ON_ONE_MACHINE.contains(fault.kind()), "only kinds of one machine: " + fault);
            assertTrue(fault.endsAt().compareTo(Duration.ofSeconds(43)) <= 0, "ends before the quiet end: " + fault);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void theRandomKillsRunKillsEveryKindOfChildInItsFirstFiveFaults(Mode mode) {
        List<String> flags = DemoRuns.randomKillsFlags(mode);
        List<PlannedFault> first = schedule(flags, seedOf(flags)).faults().stream().limit(5).toList();

        Set<String> roles = mode == Mode.GRPC ? Set.of("server", "terminal", "proxy", "lb", "sensor")
                : Set.of("server", "terminal", "proxy", "sensor");
        assertEquals(roles, first.stream().map(fault -> role(fault.target())).collect(Collectors.toSet()),
                "the roles killed first: " + first);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void theMixedRunHasEveryKindAnActiveProxyKillAndNoSensorInItsFirstTwentyFiveSeconds(Mode mode) {
        List<String> flags = DemoRuns.mixedFaultsFlags(mode);
        List<PlannedFault> early = schedule(flags, seedOf(flags)).faults().stream()
                .filter(fault -> fault.endsAt().compareTo(Duration.ofSeconds(25)) <= 0).toList();

        Set<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
        early.forEach(fault -> kinds.add(fault.kind()));
        assertEquals(Nemesis.ON_ONE_MACHINE, kinds, "the kinds early in the run: " + early);
        assertTrue(early.stream().anyMatch(fault -> fault.kind() == FaultKind.KILL
                && fault.target().equals(Nemesis.ACTIVE_PROXY)), "the active proxy killed: " + early);
        if (mode == Mode.GRPC) {
            assertTrue(early.stream().anyMatch(fault -> fault.kind() == FaultKind.KILL
                    && fault.target().startsWith("lb-")), "a load balancer killed: " + early);
        }
        assertTrue(early.stream().noneMatch(fault -> role(fault.target()).equals("sensor")), "no sensor: " + early);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void theHaRunLosesTheRedisPrimaryFirstAndHasEveryKindOnlyTheHaTopologyInjectsInItsFirstFiftyFiveSeconds(Mode mode) {
        List<String> flags = DemoRuns.haFlags(mode);
        List<PlannedFault> early = schedule(flags, seedOf(flags)).faults().stream()
                .filter(fault -> fault.endsAt().compareTo(Duration.ofSeconds(55)) <= 0).toList();

        Set<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
        early.forEach(fault -> kinds.add(fault.kind()));
        assertTrue(kinds.containsAll(DemoRuns.haKinds(mode)), "the kinds early in the run: " + early);
        assertTrue(early.stream().limit(4).anyMatch(fault -> fault.kind() == FaultKind.REDIS_PRIMARY_LOSS),
                "the Redis primary lost among the first four faults: " + early);
        assertTrue(early.stream().noneMatch(fault -> fault.kind() == FaultKind.KILL
                        && role(fault.target()).equals("sensor")),
                "no sensor killed (its records would be in doubt): " + early);
    }

    private static String role(String target) {
        if (target.equals(Nemesis.ACTIVE_PROXY)) {
            return "proxy";
        }
        if (target.startsWith("air-") || target.startsWith("pollution-")) {
            return "sensor";
        }
        return target.substring(0, target.indexOf('-'));
    }
}
