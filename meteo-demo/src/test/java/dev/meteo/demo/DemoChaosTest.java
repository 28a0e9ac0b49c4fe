package dev.meteo.demo;

import dev.meteo.cli.Meteo;
import dev.meteo.cli.Processes;
import dev.meteo.cli.dashboard.JsonlFileSink;
import dev.meteo.cli.io.Json;
import dev.meteo.cli.options.Mode;
import dev.meteo.model.WindowResult;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code meteo demo} under SIGKILL, in both modes, against the Redis and RabbitMQ of this machine: every kill is a
 * real process killed by the demo's {@code --chaos}, restarted by its supervisor. Three runs per mode, each a seeded
 * schedule and shared by the tests that read it: kills of every kind of child (grpc: two load balancers, two
 * proxies); every kind of fault of one machine (kill, pause, clock offset, slow link, terminal disk) on all but the
 * sensors, the active proxy (grpc: and a load balancer among two) killed among them; compute servers paused past the
 * retention. Each run must exit 0 with the accounting identity and the nemesis's verdict holding, and leave every
 * terminal a file of contiguous windows, without a repeat, the same at both terminals.
 */
class DemoChaosTest {

    @TempDir
    static Path dataRoot;

    /** A finished demo run: its exit code, its folder, its summary. */
    private record Run(int exit, Path dir, Map<?, ?> summary) {

        List<Map<?, ?>> kills() {
            return ((List<?>) summary.get("kills")).stream().<Map<?, ?>>map(kill -> (Map<?, ?>) kill).toList();
        }

        long number(String key) {
            Object value = summary.get(key);
            assertTrue(value instanceof Number, "summary.json has no number '" + key + "': " + summary);
            return ((Number) value).longValue();
        }
    }

    private static final Map<String, Run> RUNS = new ConcurrentHashMap<>();

    /**
     * The seeds of the runs' schedules, per mode: a schedule is drawn from the seed and the flags alone, and
     * {@link DemoChaosScheduleTest} checks that these give each run the faults its tests need.
     */
    static final Map<Mode, Long> RANDOM_SEEDS = Map.of(Mode.GRPC, 60L, Mode.RABBIT, 2L);
    static final Map<Mode, Long> MIXED_SEEDS = Map.of(Mode.GRPC, 1198L, Mode.RABBIT, 187L);

    /** Random kills 2 s apart, of every kind of child: 24 s gives a kill of each kind in both modes with its seed. */
    static List<String> randomKillsFlags(Mode mode) {
        return flags(mode, "24s", "0..50ms", "1s", "--chaos", "2s", "--chaos-seed", "" + RANDOM_SEEDS.get(mode));
    }

    /**
     * Every kind of fault the demo injects on one machine (kill, pause, clock offset, slow link, terminal disk), 2 s
     * apart, of the proxy, the load balancers (grpc), the compute servers and the terminals, never a sensor: the active
     * proxy killed (its standby takes over), a load balancer among two killed (grpc), nothing lost.
     */
    static List<String> mixedFaultsFlags(Mode mode) {
        return flags(mode, "45s", "0..50ms", "1s", "--chaos", "2s", "--chaos-seed", "" + MIXED_SEEDS.get(mode),
                "--chaos-roles", mode == Mode.GRPC ? "proxy,lb,server,terminal" : "proxy,server,terminal",
                "--chaos-faults", "kill,pause,clock-offset,slow-link,terminal-disk-full", "--chaos-pause", "2s..3s");
    }

    /**
     * Compute servers paused with SIGSTOP for 8 s, past the retention (3 windows of 1 s) and far past the load
     * balancer's silence check and the broker's heartbeat, while each holds the records of its processing delay
     * (0.5-1.5 s): their peers give that work to the other server, and the paused one stores it when it wakes up.
     */
    static List<String> serverPausesFlags(Mode mode) {
        return flags(mode, "24s", "0.5s..1.5s", "3s", "--chaos", "3s", "--chaos-roles", "server", "--chaos-faults",
                "pause", "--chaos-pause", "8s..8s", "--retention", "3");
    }

    private static Run randomKills(Mode mode) {
        return RUNS.computeIfAbsent("random-" + mode, key -> demo(key, randomKillsFlags(mode)));
    }

    private static Run mixedFaults(Mode mode) {
        return RUNS.computeIfAbsent("mixed-" + mode, key -> demo(key, mixedFaultsFlags(mode)));
    }

    private static Run serverPauses(Mode mode) {
        return RUNS.computeIfAbsent("pause-" + mode, key -> demo(key, serverPausesFlags(mode)));
    }

    /** A demo's flags but where it writes and listens. */
    static List<String> flags(Mode mode, String duration, String delay, String grace, String... chaos) {
        List<String> args = new ArrayList<>(List.of("demo", "--mode", mode.name(), "--headless", "--duration", duration,
                "--interval", "200ms", "--window", "1s", "--grace", grace, "--delay", delay, "--lbs", "2",
                "--proxies", "2"));
        args.addAll(List.of(chaos));
        return args;
    }

    private static Run demo(String name, List<String> flags) {
        try {
            Path dataDir = Files.createDirectories(dataRoot.resolve(name));
            Set<Long> before = Processes.descendantPids();
            List<String> args = new ArrayList<>(flags);
            args.addAll(List.of("--data-dir", dataDir.toString(), "--http-port", "0",
                    "--lb", Processes.freeAddresses(2), "--proxy", Processes.freeAddresses(2)));
            int exit = Meteo.commandLine().execute(args.toArray(String[]::new));
            List<ProcessHandle> left = Processes.newDescendants(before);
            assertTrue(left.isEmpty(), "processes left behind:\n" + Processes.describe(left));
            Path dir;
            try (Stream<Path> runs = Files.list(dataDir)) {
                dir = runs.filter(Files::isDirectory).findFirst().orElseThrow();
            }
            Map<?, ?> summary = (Map<?, ?>) Json.read(Files.readString(dir.resolve("summary.json")));
            System.out.println("[" + name + "] summary: " + summary);
            return new Run(exit, dir, summary);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
    void theStandbyTakesOverFromAKilledActiveProxyAndTerminalsGetEveryWindowOnceInOrder(Mode mode) throws IOException {
        Run run = mixedFaults(mode);

        assertAccountingHolds(run);
        assertNothingLost(run);
        // chaos kills the proxy holding the lease; the windows after the kill come from the one that took it over
        List<Map<?, ?>> proxyKills = run.kills().stream().filter(kill -> kill.get("role").equals("proxy")).toList();
        assertFalse(proxyKills.isEmpty(), "the active proxy was never killed: " + run.kills());
        for (Map<?, ?> kill : proxyKills) {
            assertNotNull(kill.get("next_window_ms"), "no window reached terminal 1 after the kill: " + kill);
            System.out.printf("[takeover %s] %s SIGKILLed at %s: next window at terminal 1 after %d ms%n", mode,
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

    /** Exit 0, no problem, and per the totals: confirmed <= in windows + late + rejected <= sent. */
    private static void assertAccountingHolds(Run run) {
        assertEquals(0, run.exit(), "demo exit code (2: the accounting does not hold): " + run.summary());
        assertEquals(Boolean.TRUE, run.summary().get("accounting_holds"), "accounting: " + run.summary());
        assertEquals(List.of(), run.summary().get("problems"));
        Map<?, ?> verdict = (Map<?, ?>) run.summary().get("verdict");
        assertNotNull(verdict, "a --chaos run has the nemesis's verdict: " + run.summary());
        assertEquals(Boolean.TRUE, verdict.get("passes"), "the nemesis verdict: " + verdict);
        assertTrue(Files.exists(run.dir().resolve(DemoCommand.HISTORY_FILE)), "history.jsonl");
        long classified = run.number("records_in_windows") + run.number("records_late") + run.number("records_rejected");
        assertTrue(run.number("records_confirmed") <= classified && classified <= run.number("records_sent"),
                "confirmed <= in windows + late + rejected <= sent: " + run.summary());
        assertTrue(run.number("records_sent") > 0, "no record sent: " + run.summary());
    }

    /** No sensor killed: every record sent was confirmed and is in a window, late or rejected. */
    private static void assertNothingLost(Run run) {
        assertEquals(0, run.number("records_failed_at_sensor"), "records given up by a sensor: " + run.summary());
        assertEquals(0, run.number("records_in_doubt_sensor_killed"), run.summary().toString());
        assertEquals(run.number("records_sent"), run.number("records_in_windows") + run.number("records_late")
                + run.number("records_rejected"), "sent = in windows + late + rejected: " + run.summary());
    }

    /**
     * Each terminal's file: every window starts where the one before it ended (no gap, no repeat). Both files: the
     * same windows from the later of their first windows on; the windows only one of them has before hold no record.
     */
    private static void assertTerminalsHoldEveryWindowOnceInOrder(Run run) {
        List<List<WindowResult>> files = new ArrayList<>();
        for (String terminal : List.of("1", "2")) {
            List<WindowResult> windows = JsonlFileSink.read(run.dir().resolve("terminal-" + terminal + ".jsonl"));
            assertFalse(windows.isEmpty(), "terminal " + terminal + " received no window");
            for (int i = 1; i < windows.size(); i++) {
                assertEquals(windows.get(i - 1).end(), windows.get(i).start(),
                        "terminal " + terminal + ": window " + i + " does not start where the one before it ended");
            }
            files.add(windows);
        }
        java.time.Instant from = files.stream().map(windows -> windows.get(0).start()).max(java.time.Instant::compareTo)
                .orElseThrow();
        List<List<WindowResult>> common = new ArrayList<>();
        for (List<WindowResult> windows : files) {
            windows.stream().filter(window -> window.start().isBefore(from)).forEach(window ->
                    assertEquals(0, window.recordCount(), "a window only one terminal holds has records: " + window));
            common.add(windows.stream().filter(window -> !window.start().isBefore(from)).toList());
        }
        assertEquals(common.get(0), common.get(1), "both terminals hold the same windows");
        Set<java.time.Instant> starts = new TreeSet<>();
        common.get(0).forEach(window -> assertTrue(starts.add(window.start()), "a window twice: " + window));
    }
}
