package dev.meteo.bench;

import dev.meteo.cli.Meteo;
import dev.meteo.cli.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One short real bench of direct mode (every role a process; needs Redis at 127.0.0.1:6379 or METEO_REDIS_URI), and
 * the shape of the JSON the report reads. No timing thresholds: the figures of so short a run mean nothing.
 */
class BenchCommandTest {

    @TempDir
    Path dir;

    @Test
    void aShortGrpcRunWritesTheDocumentedJsonAndLosesNothing() throws Exception {
        Path json = dir.resolve("bench.json");
        Path chart = dir.resolve("throughput.svg");
        int exit = Meteo.commandLine().execute("bench", "throughput", "--mode=grpc", "--sensors=2", "--servers=2", "--terminals=2",
                "--warmup=2s", "--measure=3s", "--limit-warmup=1s", "--limit-measure=2s", "--window=1s", "--grace=2s",
                "--max-in-flight=64", "--data-dir=" + dir, "--output=" + json, "--chart=" + chart);
        assertEquals(0, exit, "exit code: 0 means the accounting holds");

        Map<?, ?> report = (Map<?, ?>) Json.read(Files.readString(json));
        assertEquals(List.of("generated_at", "machine", "settings", "limits", "modes"), List.copyOf(report.keySet()));
        Map<?, ?> machine = (Map<?, ?>) report.get("machine");
        for (String key : List.of("cpus", "java", "os", "load_average_start")) {
            assertTrue(machine.containsKey(key), key);
        }
        Map<?, ?> limits = (Map<?, ?>) report.get("limits");
        assertInstanceOf(Number.class, limits.get("grpc_relay_per_s"));
        assertTrue(limits.containsKey("rabbit_perftest_per_s"));
        assertNull(limits.get("rabbit_perftest_per_s"), "rabbit was not run");

        Map<?, ?> modes = (Map<?, ?>) report.get("modes");
        assertEquals(List.of("grpc", "grpc_batch", "rabbit"), List.copyOf(modes.keySet()));
        assertNull(modes.get("rabbit"));
        Map<?, ?> batched = (Map<?, ?>) modes.get("grpc_batch");
        assertEquals("batch", batched.get("ingest"));
        assertEquals(0L, batched.get("lost"));
        assertEquals(true, batched.get("accounting_holds"));
        assertInstanceOf(Number.class, batched.get("speedup_vs_unary"));
        Map<?, ?> grpc = (Map<?, ?>) modes.get("grpc");
        assertEquals("unary", grpc.get("ingest"));
        for (String key : List.of("records_per_s", "stored_per_s", "ratio_to_limit", "latency_ms", "window_latency_ms",
                "sent", "lost", "late", "rejected", "accounting_holds", "processes", "fault", "samples_per_s")) {
            assertTrue(grpc.containsKey(key), key);
        }
        assertEquals(0L, grpc.get("lost"));
        assertEquals(true, grpc.get("accounting_holds"));
        assertTrue(((Number) grpc.get("sent")).longValue() > 0, "records were sent");
        assertNull(grpc.get("fault"), "no --fault");
        assertEquals(3, ((List<?>) grpc.get("samples_per_s")).size(), "one sample per measured second");
        for (String key : List.of("p50", "p95", "p99")) {
            assertInstanceOf(Number.class, ((Map<?, ?>) grpc.get("latency_ms")).get(key), key);
            assertTrue(((Map<?, ?>) grpc.get("window_latency_ms")).containsKey(key), key);
        }
        List<?> processes = (List<?>) grpc.get("processes");
        assertTrue(processes.size() >= 8, "lb, proxy, 2 servers, 2 terminals, 2 sensors");
        for (Object p : processes) {
            Map<?, ?> process = (Map<?, ?>) p;
            assertNotNull(process.get("name"));
            assertTrue(process.containsKey("cpu_percent") && process.containsKey("rss_mb"));
        }
        assertTrue(Files.readString(chart).startsWith("<svg"));
    }

    /** The scale mode's smoke test: one small step in each mode, sensors as fleets (batched in grpc). */
    @Test
    void aShortScaleRunOfFleetsInBothModesWritesItsStepsAndLosesNothing() throws Exception {
        Path json = dir.resolve("scale.json");
        int exit = Meteo.commandLine().execute("bench", "scale", "40", "--mode=both", "--sensor-interval=100ms",
                "--servers=2", "--terminals=1", "--warmup=1s", "--measure=2s", "--window=500ms", "--grace=1s",
                "--data-dir=" + dir, "--output=" + json);
        assertEquals(0, exit, "exit code: 0 means the accounting holds in every step");

        Map<?, ?> report = (Map<?, ?>) Json.read(Files.readString(json));
        assertEquals(List.of("generated_at", "machine", "settings", "scale"), List.copyOf(report.keySet()));
        Map<?, ?> scale = (Map<?, ?>) report.get("scale");
        assertEquals(List.of("grpc", "rabbit"), List.copyOf(scale.keySet()));
        for (Object mode : scale.values()) {
            Map<?, ?> step = (Map<?, ?>) ((List<?>) mode).get(0);
            assertEquals(40L, ((Number) step.get("sensors")).longValue());
            assertEquals(2L, ((Number) step.get("sensor_processes")).longValue());
            assertEquals(400L, ((Number) step.get("offered_per_s")).longValue());
            assertEquals(0L, step.get("lost"));
            assertEquals(true, step.get("accounting_holds"));
            Map<?, ?> accounting = (Map<?, ?>) step.get("accounting");
            assertTrue(((Number) accounting.get("confirmed")).longValue() > 0, "records were confirmed");
            assertInstanceOf(Number.class, ((Map<?, ?>) step.get("redis_memory")).get("prefix_memory_mb"));
        }
    }

    /**
     * The soak mode's CI version: a short run at a fixed rate with a small retention and hostile input (invalid and
     * an hour late readings). The store must stay flat: identities are kept per sensor (a few ranges each), whatever
     * the records, while the late and rejected counts keep growing, exactly.
     */
    @Test
    void aShortSoakWithHostileInputKeepsTheStoreFlatAndTheCountsExact() throws Exception {
        Path json = dir.resolve("soak.json");
        int exit = Meteo.commandLine().execute("bench", "soak", "--mode=grpc", "--duration=70s", "--every=2s", "--rate=200",
                "--retention=3", "--result-retention=10s", "--invalid-every=5", "--late-every=5", "--sensors=2",
                "--servers=2", "--terminals=1", "--warmup=5s", "--window=1s", "--grace=1s", "--data-dir=" + dir,
                "--output=" + json);
        Map<?, ?> grpc = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) Json.read(Files.readString(json))).get("modes")).get("grpc");
        Map<?, ?> soak = (Map<?, ?>) grpc.get("soak");
        assertEquals(0, exit, "exit code: 0 means the accounting holds and the store stayed flat: " + soak.get("second_half"));
        assertEquals(true, grpc.get("accounting_holds"));
        assertEquals(0L, grpc.get("lost"));
        long late = ((Number) grpc.get("late")).longValue();
        long rejected = ((Number) grpc.get("rejected")).longValue();
        assertTrue(late > 0 && rejected > 0, "the hostile input arrived: late " + late + ", rejected " + rejected);
        List<?> samples = (List<?>) soak.get("samples");
        assertTrue(samples.size() >= 30, "a sample every 2 s");
        Map<?, ?> last = (Map<?, ?>) samples.get(samples.size() - 1);
        long sensors = ((Number) last.get("sensors_known")).longValue();
        long ranges = ((Number) last.get("identity_ranges")).longValue();
        assertTrue(sensors <= 2 && ranges <= sensors * 4, "identities grow with sensors, not records: " + sensors
                + " sensors, " + ranges + " ranges after " + grpc.get("sent") + " records");
        assertEquals(true, soak.get("flat"), String.valueOf(soak.get("second_half")));
    }
}
