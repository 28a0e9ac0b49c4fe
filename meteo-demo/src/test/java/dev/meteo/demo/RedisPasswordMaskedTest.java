package dev.meteo.demo;

import dev.meteo.cli.Meteo;
import dev.meteo.cli.Processes;
import dev.meteo.cli.Launcher;
import dev.meteo.process.ChildProcess;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.testing.RedisProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The password of a Sentinel URI, which {@code java.net.URI} cannot parse (a host list), is masked wherever the URI
 * is shown: {@code meteo status} (text and JSON), a role's log while it waits for Redis, a terminal's web page. A role
 * started before its Sentinels keeps waiting and starts once they answer.
 */
class RedisPasswordMaskedTest {

    private static final String PASSWORD = "s3cret-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String RABBIT_URI = System.getenv().getOrDefault("METEO_RABBIT_URI", RabbitSettings.DEFAULT_URI);

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();
    private final List<RedisProcess> redis = new ArrayList<>();

    /** Sentinels nobody runs: two free ports. */
    private static String nobodysSentinels() {
        return "127.0.0.1:" + Processes.freePort() + ",127.0.0.1:" + Processes.freePort();
    }

    private Process meteo(String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Meteo.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        started.add(process);
        return process;
    }

    private String log(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".log"));
    }

    @Test
    void meteoStatusNamesTheSentinelsWithThePasswordMasked() {
        String sentinels = nobodysSentinels();
        for (boolean json : List.of(false, true)) {
            Launcher launcher = new Launcher(Map.of());
            List<String> args = new ArrayList<>(List.of("status", "--redis-uri",
                    "redis-sentinel://:" + PASSWORD + "@" + sentinels + "/mymaster", "--lb", "127.0.0.1:" + Processes.freePort(),
                    "--proxy", "127.0.0.1:" + Processes.freePort()));
            if (json) {
                args.add("--json");
            }
            assertEquals(1, launcher.execute(args.toArray(String[]::new)), launcher.out() + launcher.err());
            String printed = launcher.out() + launcher.err();
            assertTrue(printed.contains("redis-sentinel://***@" + sentinels + "/mymaster"), printed);
            assertFalse(printed.contains(PASSWORD), printed);
        }
    }

    @Test
    void aTerminalsWebPageAndLogMaskThePassword() throws Exception {
        String sentinels = nobodysSentinels();
        String run = "meteo-masked-" + UUID.randomUUID().toString().substring(0, 8);
        int http = Processes.freePort();
        RabbitSettings rabbit = RabbitSettings.of(RABBIT_URI).withNamePrefix(run);
        try {
            meteo("terminal", "terminal", "--mode", "rabbit", "--id", "masked", "--rabbit-uri", RABBIT_URI,
                    "--rabbit-prefix", run, "--redis-uri", "redis-sentinel://:" + PASSWORD + "@" + sentinels + "/mymaster",
                    "--http-port", String.valueOf(http), "--dashboard", "none", "--data-dir", dir.toString(),
                    "--status-every", "0");
            await("the web page reports Redis out of reach").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> get(http, "/api/health").contains("redis-sentinel://***@" + sentinels + "/mymaster"));
            for (String path : List.of("/api/health", "/api/status", "/")) {
                assertFalse(get(http, path).contains(PASSWORD), path);
            }
            assertFalse(log("terminal").contains(PASSWORD), log("terminal"));
        } finally {
            for (Process process : started) {
                process.destroy();
                process.waitFor(30, TimeUnit.SECONDS);
            }
            try (var connection = RabbitConnections.open(rabbit, "masked-test-cleanup")) {
                new Topology(rabbit).deleteAll(connection, List.of("masked"));
            }
        }
    }

    @Test
    void aRoleStartedBeforeItsSentinelWaitsWithThePasswordMaskedAndGoesOnOnceItAnswers() throws Exception {
        assumeTrue(RedisProcess.available(), "needs redis-server on the PATH to start a primary and a Sentinel");
        RedisProcess primary = add(RedisProcess.startSecured(dir, PASSWORD, null, null));
        RedisProcess sentinel = add(RedisProcess.securedSentinel(dir, primary, "meteo", null, null));
        sentinel.kill();
        String uri = "redis-sentinel://:" + PASSWORD + "@127.0.0.1:" + sentinel.port() + "/meteo";
        int lb = Processes.freePort();
        meteo("server", "server", "--id", "patient", "--redis-uri", uri, "--lb", "127.0.0.1:" + lb, "--status-every", "0");
        String masked = "redis-sentinel://***@127.0.0.1:" + sentinel.port() + "/meteo";
        await("the server says it waits for Redis").atMost(Duration.ofSeconds(60))
                .until(() -> log("server").contains("waiting for Redis at " + masked));

        sentinel.restart();
        await("the server connects to Redis and moves on to the load balancer").atMost(Duration.ofSeconds(60))
                .until(() -> log("server").contains("waiting for the load balancer at 127.0.0.1:" + lb + " to register"));
        assertTrue(log("server").contains("connected: Redis at " + masked), log("server"));
        assertFalse(log("server").contains(PASSWORD), log("server"));
        assertFalse(log("server").contains(": " + ChildProcess.READY), log("server"));
    }

    private RedisProcess add(RedisProcess process) {
        redis.add(process);
        return process;
    }

    private static String get(int port, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @AfterEach
    void stop() throws InterruptedException {
        started.forEach(Process::destroyForcibly);
        for (RedisProcess process : redis) {
            process.close();
        }
    }
}
