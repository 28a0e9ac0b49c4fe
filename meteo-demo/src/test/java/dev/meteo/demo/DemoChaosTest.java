package dev.meteo.demo;

import dev.meteo.cli.options.Mode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import static dev.meteo.demo.DemoRuns.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code meteo demo --chaos} in both modes, against the Redis and RabbitMQ of this machine: every fault is done to a
 * real process by the demo's nemesis. Two runs per mode, each a seeded schedule shared by the tests that read it:
 * kills of every kind of child (grpc: two load balancers, two proxies); compute servers paused past the retention.
 * Each run must exit 0 with the accounting identity and the nemesis's verdict holding, and leave every terminal a file
 * of contiguous windows, without a repeat, the same at both terminals ({@link DemoRuns}).
 */
class DemoChaosTest {

    @TempDir
    static Path dataRoot;

    private static final Map<String, Run> RUNS = new ConcurrentHashMap<>();

    private static Run randomKills(Mode mode) {
        return RUNS.computeIfAbsent("random-" + mode, key -> demo(dataRoot, key, randomKillsFlags(mode)));
    }

    private static Run serverPauses(Mode mode) {
        return RUNS.computeIfAbsent("pause-" + mode, key -> demo(dataRoot, key, serverPausesFlags(mode)));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void underChaosEveryKindOfChildIsKilledAndRestartedAndTheAccountingStillHolds(Mode mode) throws IOException {
        Run run = randomKills(mode);

        assertAccountingHolds(run);
        Set<String> kinds = mode == Mode.GRPC ? Set.of("server", "terminal", "proxy", "lb", "sensor")
                : Set.of("server", "terminal", "proxy", "sensor");
        List<Map<?, ?>> kills = run.kills();
        // its seed kills one child of each kind in its first five faults (DemoChaosScheduleTest)
        assertTrue(kills.size() >= kinds.size(), "fewer kills than kinds of child: " + kills);
        assertEquals(kinds, kills.stream().map(kill -> (String) kill.get("role")).collect(Collectors.toSet()),
                "the kinds killed: " + kills);
        for (Map<?, ?> kill : kills) {
            String prefix = kill.get("role").equals("sensor") ? "(air|pollution)-" : kill.get("role") + "-";
            assertTrue(((String) kill.get("name")).matches(prefix + "\\d+"), "a kill names its child: " + kill);
            assertNotNull(kill.get("at"), "a kill says when: " + kill);
        }
        assertTrue(run.number("processes_died") >= kills.size(), "every kill is a death the supervisor saw: " + run.summary());
        assertTrue(run.number("processes_restarted") > 0, "killed children are started again: " + run.summary());
        assertTrue(run.number("sensor_processes_killed") >= 1, "a sensor was killed: " + run.summary());
        assertTerminalsHoldEveryWindowOnceInOrder(run);
        System.out.printf("[chaos %s] %d kills (%s), records sent %d, confirmed %d, in doubt (sensor killed) %d, "
                        + "failed %d, late %d%n", mode, kills.size(),
                kills.stream().map(kill -> (String) kill.get("name")).collect(Collectors.joining(" ")),
                run.number("records_sent"), run.number("records_confirmed"),
                run.number("records_in_doubt_sensor_killed"), run.number("records_failed_at_sensor"),
                run.number("records_late"));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aComputeServerPausedPastTheRetentionCountsNothingTwiceAndLosesNothing(Mode mode) throws IOException {
        Run run = serverPauses(mode);

        assertAccountingHolds(run);
        assertNothingLost(run);
        List<Map<?, ?>> pauses = ((List<?>) run.summary().get("pauses")).stream().<Map<?, ?>>map(p -> (Map<?, ?>) p).toList();
        assertFalse(pauses.isEmpty(), "no server was paused: " + run.summary());
        Map<?, ?> first = pauses.get(0);
        assertEquals("server", first.get("role"));
        long paused = ((Number) first.get("end_ms")).longValue() - ((Number) first.get("at_ms")).longValue();
        assertTrue(paused >= 8_000, "paused past the retention (3 windows of 1 s): " + paused + " ms");
        assertTerminalsHoldEveryWindowOnceInOrder(run);
        System.out.printf("[pause %s] %s paused %d ms; records sent %d, in windows %d, late %d, none twice%n", mode,
                first.get("name"), paused, run.number("records_sent"), run.number("records_in_windows"),
                run.number("records_late"));
    }

}
