package dev.meteo.bench;

import dev.meteo.cli.Launcher;
import dev.meteo.cli.Meteo;
import dev.meteo.cli.Processes;
import dev.meteo.cli.io.Json;
import dev.meteo.cli.metrics.RoleReport;
import dev.meteo.process.Drain;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo, the bench and {@code meteo status} print the same figures for the same run: a short demo keeps its data,
 * then {@code meteo status} reads the deployment, and the bench's accounting ({@link Drain#verdict} on the children's
 * {@link RoleReport}s, as {@code PipelineRun} builds its JSON) reads the same run's files. Needs Redis.
 */
class SameFiguresTest {

    @TempDir
    Path dataDir;

    @Test
    void theDemoSummaryTheBenchAccountingAndMeteoStatusAgree() throws Exception {
        int exit = Meteo.commandLine().execute("demo", "--mode", "grpc", "--headless", "--duration", "8s", "--keep",
                "--interval", "200ms", "--window", "1s", "--grace", "1s", "--terminals", "1", "--servers", "1",
                "--proxies", "1", "--data-dir", dataDir.toString(), "--http-port", "0",
                "--lb", "127.0.0.1:" + Processes.freePort(), "--proxy", Processes.freeAddresses(1));
        assertEquals(0, exit, "demo exit code (2: the accounting does not hold)");
        Path run;
        try (Stream<Path> runs = Files.list(dataDir)) {
            run = runs.filter(Files::isDirectory).filter(dir -> Files.exists(dir.resolve("summary.json")))
                    .findFirst().orElseThrow();
        }
        Map<?, ?> demo = (Map<?, ?>) Json.read(Files.readString(run.resolve("summary.json")));
        String prefix = (String) demo.get("redis_prefix");

        Launcher status = new Launcher(Map.of());
        status.execute("status", "--json", "--every", "100ms", "--redis-prefix", prefix);
        Map<?, ?> seen = (Map<?, ?>) Json.read(status.out().strip());

        // the bench's accounting, on the same run: the sensors' reports from their status files, Redis's counts
        List<Drain.SensorReport> reports = new ArrayList<>();
        try (Stream<Path> files = Files.list(run.resolve("logs"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("(air|pollution)-.*\\.status\\.json"))
                    .toList()) {
                String name = file.getFileName().toString().replace(".status.json", "");
                reports.addAll(Drain.sensorReports(name, RoleReport.readOrNone(file)));
            }
        }
        assertTrue(!reports.isEmpty(), "the sensors wrote their reports");
        Drain.Verdict bench;
        try (RedisMeteoStore store = new RedisMeteoStore(RedisSettings.of("redis://127.0.0.1:6379", prefix))) {
            bench = Drain.verdict(reports, List.of(run.resolve("terminal-1.jsonl")), store);
            try {
                assertEquals(number(demo, "records_confirmed"), bench.confirmed(), "confirmed: demo vs bench");
                assertEquals(number(demo, "records_in_windows"), bench.inWindows(), "in windows: demo vs bench");
                assertEquals(number(demo, "records_late"), bench.late(), "late: demo vs bench");
                assertEquals(number(demo, "records_rejected"), bench.rejected(), "rejected: demo vs bench");
                assertEquals(bench.storedInWindows(), number(seen, "records_stored"), "stored: bench vs status");
                assertEquals(bench.late(), number(seen, "records_late"), "late: bench vs status");
                assertEquals(bench.rejected(), number(seen, "records_rejected"), "rejected: bench vs status");
                assertEquals(number(demo, "records_in_windows") + number(demo, "records_still_open"),
                        number(seen, "records_stored"), "stored: demo vs status");
                assertTrue(number(seen, "records_stored") > 0, "the run stored records: " + seen);
            } finally {
                store.deleteAll();
            }
        }
    }

    private static long number(Map<?, ?> map, String key) {
        return ((Number) map.get(key)).longValue();
    }
}
