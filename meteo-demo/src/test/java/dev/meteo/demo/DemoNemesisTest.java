package dev.meteo.demo;

import dev.meteo.cli.io.Json;
import dev.meteo.cli.options.Mode;
import dev.meteo.nemesis.Fault;
import dev.meteo.nemesis.FaultKind;
import dev.meteo.nemesis.History;
import dev.meteo.process.Nemesis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
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
 * {@code meteo demo --chaos} with every kind of fault of one machine (kill, pause, clock offset, slow link, terminal
 * disk) on all but the sensors, one seeded run per mode shared by the tests that read it: the active proxy killed
 * (its standby takes over), a load balancer among two killed (grpc), the nemesis's history, verdict and timeline.
 */
class DemoNemesisTest {

    @TempDir
    static Path dataRoot;

    private static final Map<String, Run> RUNS = new ConcurrentHashMap<>();

    private static Run mixedFaults(Mode mode) {
        return RUNS.computeIfAbsent("mixed-" + mode, key -> demo(dataRoot, key, mixedFaultsFlags(mode)));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void theStandbyTakesOverFromAKilledActiveProxyAndTerminalsGetEveryWindowOnceInOrder(Mode mode) throws IOException {
        Run run = mixedFaults(mode);

        assertAccountingHolds(run);
        assertNothingLost(run);
        // chaos kills the proxy holding the lease; the windows after the kill come from the one that took it over
        List<Map<?, ?>> proxyKills = run.kills().stream().filter(kill -> kill.get("role").equals("proxy")).toList();
        assertFalse(proxyKills.isEmpty(), "the active proxy was never killed: " + run.kills());
        for (Map<?, ?> kill : proxyKills) {
            assertNotNull(kill.get("next_window_ms"), "no window reached a terminal after the kill: " + kill);
            System.out.printf("[takeover %s] %s SIGKILLed at %s: next window at a terminal after %d ms%n", mode,
                    kill.get("name"), kill.get("at"), ((Number) kill.get("next_window_ms")).longValue());
        }
        assertTerminalsHoldEveryWindowOnceInOrder(run);
    }

    @Test
    void aLoadBalancerKilledAmongTwoLosesNoRecord() throws IOException {
        Run run = mixedFaults(Mode.GRPC);

        assertAccountingHolds(run);
        List<Map<?, ?>> balancerKills = run.kills().stream().filter(kill -> kill.get("role").equals("lb")).toList();
        assertFalse(balancerKills.isEmpty(), "no load balancer was killed: " + run.kills());
        assertNothingLost(run);
        assertTerminalsHoldEveryWindowOnceInOrder(run);
        System.out.printf("[lb killed, grpc] %d load balancer kills, records sent %d, lost 0, late %d%n",
                balancerKills.size(), run.number("records_sent"), run.number("records_late"));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void underEveryKindOfFaultOfOneMachineTheNemesisVerdictHoldsAndTheRunLeavesItsHistoryAndTimeline(Mode mode)
            throws IOException {
        Run run = mixedFaults(mode);

        assertAccountingHolds(run);
        assertNothingLost(run);
        List<Fault> history = History.read(run.dir().resolve(DemoCommand.HISTORY_FILE));
        Set<FaultKind> kinds = history.stream().map(Fault::kind).collect(Collectors.toSet());
        assertEquals(Nemesis.ON_ONE_MACHINE, kinds, "the kinds in history.jsonl: " + history);
        assertTrue(history.stream().allMatch(Fault::ended), "every fault ended: " + history);
        Map<?, ?> verdict = (Map<?, ?>) Json.read(Files.readString(run.dir().resolve(DemoCommand.VERDICT_FILE)));
        assertEquals(Boolean.TRUE, verdict.get("passes"), "verdict.json: " + verdict);
        assertEquals(MIXED_SEEDS.get(mode), run.number("chaos_seed"));
        assertEquals(history.size(), ((List<?>) verdict.get("recoveries")).size(), "a recovery per fault: " + verdict);
        String timeline = Files.readString(run.dir().resolve(DemoCommand.TIMELINE_FILE));
        assertTrue(timeline.startsWith("<svg") || timeline.startsWith("<?xml"), "timeline.svg is an SVG");
        for (FaultKind kind : Nemesis.ON_ONE_MACHINE) {
            assertTrue(timeline.contains(kind.label()), "the timeline labels a " + kind + " fault");
        }
        assertTerminalsHoldEveryWindowOnceInOrder(run);
        System.out.printf("[nemesis %s] seed %d: %d faults %s; late %d; verdict %s%n", mode, run.number("chaos_seed"),
                history.size(), history.stream().map(fault -> fault.kind() + " " + fault.target())
                        .collect(Collectors.joining(", ")), run.number("records_late"), verdict.get("problems"));
    }
}
