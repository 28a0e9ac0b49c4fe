package dev.meteo.demo;

import dev.meteo.cli.Meteo;
import dev.meteo.cli.Processes;
import dev.meteo.cli.dashboard.JsonlFileSink;
import dev.meteo.cli.io.Json;
import dev.meteo.cli.options.Mode;
import dev.meteo.model.WindowResult;
import dev.meteo.nemesis.FaultKind;
import dev.meteo.process.Nemesis;
import dev.meteo.process.NetnsHosts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo runs {@link DemoChaosTest} and {@link DemoNemesisTest} share: their flags and seeds, a run of
 * {@code meteo demo} in this JVM, and the checks every run must pass. Two classes, so that the build's test JVMs run
 * them side by side.
 */
final class DemoRuns {

    private DemoRuns() {
    }

    /** A finished demo run: its exit code, its folder, its summary. */
    record Run(int exit, Path dir, Map<?, ?> summary) {

        List<Map<?, ?>> kills() {
            return ((List<?>) summary.get("kills")).stream().<Map<?, ?>>map(kill -> (Map<?, ?>) kill).toList();
        }

        long number(String key) {
            Object value = summary.get(key);
            assertTrue(value instanceof Number, "summary.json has no number '" + key + "': " + summary);
            return ((Number) value).longValue();
        }
    }

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
     * proxy killed (its standby takes over), a load balancer among two killed (grpc), nothing lost. A grace of 6 s
     * (the demo's): with 1 s to 3 s, a two-CPU machine running the rest of the suite (load average up to 22) made a few records late in
     * the run's first seconds, which no fault explains (the checker no longer lets a proxy kill explain them).
     */
    static List<String> mixedFaultsFlags(Mode mode) {
        return flags(mode, "45s", "0..50ms", "6s", "--chaos", "2s", "--chaos-seed", "" + MIXED_SEEDS.get(mode),
                "--chaos-roles", mode == Mode.GRPC ? "proxy,lb,server,terminal" : "proxy,server,terminal",
                "--chaos-faults", "kill,pause,clock-offset,slow-link,terminal-disk-full", "--chaos-pause", "2s..3s");
    }

    /**
     * Compute servers paused with SIGSTOP for 8 s, past the retention (3 windows of 1 s) and far past the load
     * balancer's silence check and the broker's heartbeat, while each holds the records of its processing delay
     * (0.5-1.5 s): their peers give that work to the other server, and the paused one stores it when it wakes up. A
     * grace of 6 s, the demo's: with 3 s the loaded suite made records late before the first pause.
     */
    static List<String> serverPausesFlags(Mode mode) {
        return flags(mode, "24s", "0.5s..1.5s", "6s", "--chaos", "3s", "--chaos-roles", "server", "--chaos-faults",
                "pause", "--chaos-pause", "8s..8s", "--retention", "3");
    }

    /** The seeds of the HA topology's runs ({@link DemoHaNemesisTest}). */
    static final Map<Mode, Long> HA_SEEDS = Map.of(Mode.GRPC, 8L, Mode.RABBIT, 21L);

    /** The faults only the HA topology injects, per mode: grpc mode has no broker to lose a node of. */
    static Set<FaultKind> haKinds(Mode mode) {
        Set<FaultKind> kinds = EnumSet.copyOf(Nemesis.ONLY_HA);
        if (mode == Mode.GRPC) {
            kinds.remove(FaultKind.RABBIT_NODE_LOSS);
        }
        return kinds;
    }

    /**
     * The HA topology ({@code --topology ha}: every child on a network-namespace host, Redis under Sentinel, three
     * RabbitMQ nodes in rabbit mode) for 90 s: two load balancers (grpc), two proxies, three servers, two sensors; a
     * fault every 4 s of the kinds only it can inject, plus kills and pauses, 3-6 s each, with a fixed seed; a grace
     * of 3 s, so that most faults outlast it (their late records are explained) while a machine loaded by the rest of
     * the suite does not.
     */
    static List<String> haFlags(Mode mode) {
        String kinds = String.join(",", haKinds(mode).stream().map(FaultKind::label).toList()) + ",kill,pause";
        return flags(mode, "90s", "0..50ms", "3s", "--topology", "ha", "--servers", "3", "--air-sensors", "1",
                "--pollution-sensors", "1",
                "--netns-script", Path.of("..").resolve(NetnsHosts.SCRIPT_IN_CHECKOUT).toString(),
                "--chaos", "4s", "--chaos-seed", "" + HA_SEEDS.get(mode), "--chaos-faults", kinds,
                "--chaos-pause", "3s..6s");
    }

    /** A demo's flags but where it writes and listens. */
    static List<String> flags(Mode mode, String duration, String delay, String grace, String... chaos) {
        List<String> args = new ArrayList<>(List.of("demo", "--mode", mode.name(), "--headless", "--duration", duration,
                "--interval", "200ms", "--window", "1s", "--grace", grace, "--delay", delay, "--lbs", "2",
                "--proxies", "2"));
        args.addAll(List.of(chaos));
        return args;
    }

    static Run demo(Path dataRoot, String name, List<String> flags) {
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

    /** Exit 0, no problem, and per the totals: confirmed <= in windows + late + rejected <= sent. */
    static void assertAccountingHolds(Run run) {
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
    static void assertNothingLost(Run run) {
        assertEquals(0, run.number("records_failed_at_sensor"), "records given up by a sensor: " + run.summary());
        assertEquals(0, run.number("records_in_doubt_sensor_killed"), run.summary().toString());
        assertEquals(run.number("records_sent"), run.number("records_in_windows") + run.number("records_late")
                + run.number("records_rejected"), "sent = in windows + late + rejected: " + run.summary());
    }

    /**
     * Each terminal's file: every window starts where the one before it ended (no gap, no repeat). Both files: the
     * same windows from the later of their first windows on; the windows only one of them has before hold no record.
     */
    static void assertTerminalsHoldEveryWindowOnceInOrder(Run run) {
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

    /**
     * The records a terminal's file accounts for: those in its windows plus the deployment's running count of late
     * records its last window carries. A confirmed record is one or the other, so a wait on this ends whatever the
     * grace, where a wait on the windows alone never does once one record is late.
     */
    static long inWindowsOrLate(Path jsonl) {
        List<WindowResult> windows = JsonlFileSink.read(jsonl);
        return windows.stream().mapToLong(WindowResult::recordCount).sum()
                + (windows.isEmpty() ? 0 : windows.get(windows.size() - 1).lateRecords());
    }
}
