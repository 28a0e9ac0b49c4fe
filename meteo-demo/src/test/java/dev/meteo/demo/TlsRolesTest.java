package dev.meteo.demo;

import dev.meteo.cli.metrics.RoleReport;
import dev.meteo.cli.Meteo;
import dev.meteo.cli.Processes;
import dev.meteo.process.ChildProcess;
import dev.meteo.testing.RedisProcess;
import dev.meteo.testing.SecuredRedis;
import dev.meteo.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The launcher's TLS flags, end to end: every role of direct mode in its own process with mutual TLS
 * ({@code --tls-cert}, {@code --tls-key}, {@code --tls-ca}, {@code --tls-client-auth require}), the store over
 * {@code rediss://} as an ACL user trusting the same CA; every record a sensor confirmed is in the terminal's windows,
 * and {@code meteo status} reads the registries over mutual TLS. A role's readiness endpoint ({@code /health} on its
 * metrics port, plain HTTP) says when it has started.
 */
class TlsRolesTest {


    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    private Process meteo(String name, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Meteo.class.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        started.add(process);
        return process;
    }

    private String log(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".log"));
    }

    private void awaitReady(String name) {
        await(name + " is ready").atMost(Duration.ofSeconds(60)).until(() -> log(name).lines()
                .anyMatch(line -> line.endsWith(": " + ChildProcess.READY)));
    }

    /** {@code role}, then its own flags, then the shared ones (TLS, store). */
    private static List<String> args(String role, List<String> shared, String... own) {
        List<String> all = new ArrayList<>(List.of(role));
        all.addAll(List.of(own));
        all.addAll(shared);
        return all;
    }

    @Test
    void everyRoleOverMutualTlsAccountsForEveryRecordAndStatusReadsTheRegistries() throws Exception {
        assumeTrue(RedisProcess.available(), "needs redis-server on the PATH for a Redis with a TLS port");
        TestCertificates pki = TestCertificates.authority(dir, "meteo");
        TestCertificates.Issued node = pki.issueForLoopback("node");
        try (SecuredRedis redis = SecuredRedis.start(dir, pki)) {
            List<String> tls = List.of("--tls-cert", node.certificate().toString(), "--tls-key", node.key().toString(),
                    "--tls-ca", pki.ca().toString(), "--tls-client-auth", "require");
            List<String> store = new ArrayList<>(tls);
            String prefix = "meteo-test:" + UUID.randomUUID() + ":";
            store.addAll(List.of("--redis-uri", redis.uri(), "--redis-prefix", prefix));
            String lb = "127.0.0.1:" + Processes.freePort();
            String proxy = "127.0.0.1:" + Processes.freePort();

            // the server first: until the load balancer knows it, its readiness probe says it is starting
            int serverMetrics = Processes.freePort();
            meteo("server", args("server", store, "--id", "tls-server", "--lb", lb, "--status-every", "0",
                    "--metrics-port", String.valueOf(serverMetrics)));
            await("the server's /health says starting").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> health(serverMetrics), response -> response.equals("503 starting"));
            meteo("lb", args("lb", tls, "--lb", lb, "--redis-prefix", prefix, "--status-every", "0"));
            meteo("proxy", args("proxy", store, "--proxy", proxy, "--window", "1s", "--grace", "5s", "--status-every", "0"));
            meteo("terminal", args("terminal", store, "--id", "tls-terminal", "--proxy", proxy, "--http-port", "-1",
                    "--dashboard", "none", "--data-dir", dir.toString(), "--status-every", "0"));
            for (String role : List.of("lb", "server", "proxy", "terminal")) {
                awaitReady(role);
            }
            assertEquals("200 ready", health(serverMetrics));
            Path sensorStatus = dir.resolve("sensor.json");
            Process sensor = meteo("sensor", args("sensor", tls, "--type", "air", "--id", "air-tls", "--lb", lb,
                    "--interval", "50ms", "--duration", "3s", "--status-every", "0", "--status-file", sensorStatus.toString()));
            assertTrue(sensor.waitFor(60, TimeUnit.SECONDS), log("sensor"));
            assertEquals(0, sensor.exitValue(), log("sensor"));
            RoleReport counters = RoleReport.read(sensorStatus).orElseThrow(() -> new AssertionError("no status file"));
            long confirmed = counters.confirmed();
            assertTrue(confirmed > 0 && counters.failed() == 0, counters.line());

            Path windows = dir.resolve("terminal-tls-terminal.jsonl");
            await("every confirmed record is in a window the terminal received, or late").atMost(Duration.ofSeconds(60))
                    .ignoreExceptions() // a line being written
                    .until(() -> Files.exists(windows) && DemoRuns.inWindowsOrLate(windows) == confirmed);

            Process status = meteo("status", args("status", store, "--lb", lb, "--proxy", proxy, "--every", "1s"));
            assertTrue(status.waitFor(60, TimeUnit.SECONDS), log("status"));
            String report = log("status");
            assertEquals(0, status.exitValue(), report);
            assertTrue(report.contains("tls-server") && report.contains("tls-terminal"), report);
        }
    }

    /** The status and first line of the role's readiness endpoint (plain HTTP beside the TLS servers). */
    private static String health(int metricsPort) throws IOException, InterruptedException {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + metricsPort + "/health"))
                        .timeout(Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body().strip();
    }

    @AfterEach
    void stopRoles() throws InterruptedException {
        for (Process process : started) {
            process.destroy();
        }
        for (Process process : started) {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
