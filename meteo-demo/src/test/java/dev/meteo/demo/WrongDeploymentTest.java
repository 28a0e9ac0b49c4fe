package dev.meteo.demo;

import dev.meteo.cli.metrics.RoleReport;
import dev.meteo.cli.Meteo;
import dev.meteo.cli.Processes;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.meteo.process.ChildProcess;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A compute server or terminal started with another deployment's {@code --redis-prefix} (or, in rabbit mode, another
 * {@code --rabbit-prefix}) is refused and says why, instead of taking a share of the records and storing them where
 * the deployment never reads them. Every role in its own process, on the real Redis and broker; the deployment's
 * accounting holds beside them: every record the sensor confirmed is in the terminal's windows, none under the wrong
 * prefix.
 */
class WrongDeploymentTest {

    private static final String REDIS_URI = System.getenv().getOrDefault("METEO_REDIS_URI", RedisSettings.DEFAULT_URI);
    private static final String RABBIT_URI = System.getenv().getOrDefault("METEO_RABBIT_URI", RabbitSettings.DEFAULT_URI);
    /** Exit code of a role a peer refused ({@code RoleCommand.REFUSED}). */
    private static final int REFUSED = 4;

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();
    private final String run = "meteo-deployment-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final String prefix = run + ":";
    private final String wrongPrefix = run + "-wrong:";

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

    private int exitOf(Process process, String name) throws Exception {
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), name + " did not stop: " + log(name));
        return process.exitValue();
    }

    /** {@code role}, then its own flags, then the shared ones. */
    private static List<String> args(String role, List<String> shared, String... own) {
        List<String> all = new ArrayList<>(List.of(role));
        all.addAll(List.of(own));
        all.addAll(shared);
        return all;
    }

    @Test
    void directModeRefusesAServerAndATerminalOfAnotherDeployment() throws Exception {
        String lb = "127.0.0.1:" + Processes.freePort();
        String proxy = "127.0.0.1:" + Processes.freePort();
        List<String> store = List.of("--redis-uri", REDIS_URI, "--status-every", "0");
        meteo("lb", List.of("lb", "--lb", lb, "--redis-prefix", prefix, "--status-every", "0"));
        meteo("proxy", args("proxy", store, "--proxy", proxy, "--redis-prefix", prefix, "--window", "1s", "--grace", "5s"));
        meteo("server", args("server", store, "--id", "own-server", "--lb", lb, "--redis-prefix", prefix));
        meteo("terminal", args("terminal", store, "--id", "own-terminal", "--proxy", proxy, "--redis-prefix", prefix,
                "--http-port", "-1", "--dashboard", "none", "--data-dir", dir.toString()));
        for (String role : List.of("lb", "proxy", "server", "terminal")) {
            awaitReady(role);
        }

        Process wrongServer = meteo("wrong-server", args("server", store, "--id", "stray-server", "--lb", lb,
                "--redis-prefix", wrongPrefix));
        assertEquals(REFUSED, exitOf(wrongServer, "wrong-server"), log("wrong-server"));
        String told = log("wrong-server");
        assertTrue(told.contains("STOPPED") && told.contains("the load balancer serves deployment '" + prefix + "'")
                && told.contains("compute server stray-server") && told.contains("belongs to deployment '" + wrongPrefix + "'")
                && told.contains("--redis-prefix " + prefix), told);
        assertFalse(told.contains(": " + ChildProcess.READY), told);

        Process wrongTerminal = meteo("wrong-terminal", args("terminal", store, "--id", "stray-terminal", "--proxy", proxy,
                "--redis-prefix", wrongPrefix, "--http-port", "-1", "--dashboard", "none", "--data-dir", dir.toString()));
        assertEquals(REFUSED, exitOf(wrongTerminal, "wrong-terminal"), log("wrong-terminal"));
        assertTrue(log("wrong-terminal").contains("the proxy serves deployment '" + prefix + "'"), log("wrong-terminal"));

        long confirmed = runSensor(List.of("--lb", lb));
        assertEveryConfirmedRecordIsInTheTerminalsWindows(confirmed);
    }

    @Test
    void indirectModeKeepsAServerOfAnotherRedisPrefixOffTheQueueAndStopsOneOfAnotherQueue() throws Exception {
        String otherRabbitPrefix = run + "-other";
        List<String> common = List.of("--mode", "rabbit", "--redis-uri", REDIS_URI, "--rabbit-uri", RABBIT_URI,
                "--status-every", "0");
        List<String> deployment = new ArrayList<>(common);
        deployment.addAll(List.of("--redis-prefix", prefix, "--rabbit-prefix", run));
        RabbitSettings rabbit = RabbitSettings.of(RABBIT_URI).withNamePrefix(run);
        try {
            // a server started before the proxy waits for the deployment, then consumes
            meteo("server", args("server", deployment, "--id", "own-server"));
            await("the server waits for its deployment").atMost(Duration.ofSeconds(60)).until(() ->
                    log("server").contains("waiting for a deployment: Redis prefix " + prefix));
            meteo("proxy", args("proxy", deployment, "--window", "1s", "--grace", "5s"));
            meteo("terminal", args("terminal", deployment, "--id", "own-terminal", "--http-port", "-1", "--dashboard",
                    "none", "--data-dir", dir.toString()));
            for (String role : List.of("proxy", "server", "terminal")) {
                awaitReady(role);
            }

            // another Redis prefix, the same queue: it waits without consuming, so it takes no record
            meteo("stray-server", args("server", common, "--id", "stray-server", "--redis-prefix", wrongPrefix,
                    "--rabbit-prefix", run));
            await("the stray server says why it does not consume").atMost(Duration.ofSeconds(60)).until(() ->
                    log("stray-server").contains("waiting for a deployment: Redis prefix " + wrongPrefix)
                            && log("stray-server").contains("not consuming " + run + ".records meanwhile"));

            // the deployment's Redis prefix, another queue: told which queue the deployment uses, and stops
            Process otherQueue = meteo("other-queue-server", args("server", common, "--id", "other-queue",
                    "--redis-prefix", prefix, "--rabbit-prefix", otherRabbitPrefix));
            assertEquals(REFUSED, exitOf(otherQueue, "other-queue-server"), log("other-queue-server"));
            assertTrue(log("other-queue-server").contains("Redis prefix " + prefix + " holds a deployment whose compute "
                    + "servers consume " + run + ".records, but this compute server would use " + otherRabbitPrefix
                    + ".records: give it the deployment's --rabbit-prefix (" + run + ")"), log("other-queue-server"));
            Process otherProxy = meteo("other-proxy", args("proxy", common, "--redis-prefix", prefix,
                    "--rabbit-prefix", otherRabbitPrefix));
            assertEquals(REFUSED, exitOf(otherProxy, "other-proxy"), log("other-proxy"));

            long confirmed = runSensor(List.of("--mode", "rabbit", "--rabbit-uri", RABBIT_URI, "--rabbit-prefix", run));
            assertEveryConfirmedRecordIsInTheTerminalsWindows(confirmed);
            assertEquals(1, consumersOf(rabbit), "the stray server consumes the work queue");
            assertFalse(log("stray-server").contains(": " + ChildProcess.READY), log("stray-server"));
        } finally {
            stopAll();
            try (Connection connection = RabbitConnections.open(rabbit, "deployment-test-cleanup")) {
                new Topology(rabbit).deleteAll(connection, List.of("own-terminal"));
            }
        }
    }

    /** A sensor of the deployment sends for 3 s; returns the records it had confirmed, none failed. */
    private long runSensor(List<String> transport) throws Exception {
        Path status = dir.resolve("sensor.json");
        Process sensor = meteo("sensor", args("sensor", transport, "--type", "air", "--id", "air-" + run,
                "--interval", "50ms", "--duration", "3s", "--status-every", "0", "--status-file", status.toString()));
        assertEquals(0, exitOf(sensor, "sensor"), log("sensor"));
        RoleReport counters = RoleReport.read(status).orElseThrow(() -> new AssertionError("no status file " + status));
        assertTrue(counters.confirmed() > 0 && counters.failed() == 0, counters.line());
        return counters.confirmed();
    }

    private void assertEveryConfirmedRecordIsInTheTerminalsWindows(long confirmed) {
        Path windows = dir.resolve("terminal-own-terminal.jsonl");
        await("every confirmed record is in a window of the deployment's terminal, or late")
                .atMost(Duration.ofSeconds(60)).ignoreExceptions() // a line being written
                .until(() -> Files.exists(windows) && DemoRuns.inWindowsOrLate(windows) == confirmed);
        try (RedisMeteoStore own = new RedisMeteoStore(RedisSettings.of(REDIS_URI, prefix));
             RedisMeteoStore wrong = new RedisMeteoStore(RedisSettings.of(REDIS_URI, wrongPrefix))) {
            assertEquals(0, own.lateCount() + own.rejectedCount());
            assertEquals(0, wrong.keyCount(), "something was stored under the wrong prefix");
        }
    }

    private static long consumersOf(RabbitSettings rabbit) throws Exception {
        try (Connection connection = RabbitConnections.open(rabbit, "deployment-test-probe");
             Channel channel = connection.createChannel()) {
            return channel.queueDeclarePassive(new Topology(rabbit).workQueue()).getConsumerCount();
        }
    }

    private void stopAll() throws InterruptedException {
        for (Process process : started) {
            process.destroy();
        }
        for (Process process : started) {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        stopAll();
        for (String keys : List.of(prefix, wrongPrefix)) {
            try (RedisMeteoStore store = new RedisMeteoStore(RedisSettings.of(REDIS_URI, keys))) {
                store.deleteAll();
            }
        }
    }
}
