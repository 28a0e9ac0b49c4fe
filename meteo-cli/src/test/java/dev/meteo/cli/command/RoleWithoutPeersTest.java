package dev.meteo.cli.command;

import dev.meteo.cli.Meteo;
import dev.meteo.cli.Processes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A role started before its peers says what it waits for and keeps trying. {@code --duration} bounds the whole run:
 * a role that never got its peers ends then too, with exit code {@value RoleCommand#NEVER_STARTED} (it never did its
 * job, which a script should see); a role that started ends with 0, whatever its peers did since.
 */
class RoleWithoutPeersTest {

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

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

    private static int exitCode(Process process) throws InterruptedException {
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "it ends at the end of --duration");
        return process.exitValue();
    }

    @Test
    void aServerWithoutRedisWaitsForItUntilTheEndOfDuration() throws Exception {
        int exit = exitCode(meteo("server", "server", "--redis-uri", "redis://127.0.0.1:1/0", "--duration", "3s"));
        String log = log("server");
        assertEquals(RoleCommand.NEVER_STARTED, exit, log);
        int waiting = log.indexOf("waiting for Redis at redis://127.0.0.1:1/0");
        int gaveUp = log.indexOf("stopped before it started (--duration 3s is over): it was still waiting for its peers");
        assertTrue(waiting >= 0 && gaveUp > waiting, log);
        assertFalse(log.contains(": ready"), log);
    }

    @Test
    void aRabbitSensorWithoutBrokerWaitsForItWithThePasswordMasked() throws Exception {
        int exit = exitCode(meteo("sensor", "sensor", "--type", "air", "--mode", "rabbit",
                "--rabbit-uri", "amqp://guest:secret@127.0.0.1:1/", "--duration", "3s"));
        String log = log("sensor");
        assertEquals(RoleCommand.NEVER_STARTED, exit, log);
        assertTrue(log.contains("waiting for RabbitMQ at amqp://guest:***@127.0.0.1:1/"), log);
        assertFalse(log.contains("secret"), log);
    }

    @Test
    void aGrpcTerminalWithoutProxyWaitsToBeRegisteredUntilTheEndOfDuration() throws Exception {
        int proxy = Processes.freePort();
        int exit = exitCode(meteo("terminal", "terminal", "--id", "lonely", "--proxy", "127.0.0.1:" + proxy,
                "--http-port", "-1", "--dashboard", "none", "--data-dir", dir.toString(), "--duration", "6s"));
        String log = log("terminal");
        assertEquals(RoleCommand.NEVER_STARTED, exit, log);
        assertTrue(log.contains("waiting for the proxy at 127.0.0.1:" + proxy + " to register"), log);
        assertFalse(log.contains(": ready"), log);
    }

    @Test
    void aWaitingServerStartsAsSoonAsRedisAnswers() throws Exception {
        assumeTrue(onPath("redis-server"), "needs redis-server on the PATH");
        int port = Processes.freePort();
        int lb = Processes.freePort();
        Process server = meteo("server", "server", "--id", "patient", "--redis-uri", "redis://127.0.0.1:" + port + "/0",
                "--lb", "127.0.0.1:" + lb, "--status-every", "0");
        await("the server says it waits for Redis").atMost(Duration.ofSeconds(30))
                .until(() -> log("server").contains("waiting for Redis at redis://127.0.0.1:" + port + "/0"));

        Process redis = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        started.add(redis);

        // Redis answers: the server goes on to its next peer, the load balancer (absent here), and says so.
        await("the server connects to Redis and moves on").atMost(Duration.ofSeconds(30))
                .until(() -> log("server").contains("waiting for the load balancer at 127.0.0.1:" + lb + " to register"));
        assertTrue(log("server").contains("connected: Redis at redis://127.0.0.1:" + port + "/0"), log("server"));

        server.destroy(); // SIGTERM: the wait ends, the process exits
        assertTrue(server.waitFor(30, TimeUnit.SECONDS), log("server"));
    }

    private static boolean onPath(String executable) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(folder -> Files.isExecutable(Path.of(folder, executable)));
    }

    @AfterEach
    void stopWhatIsLeft() {
        started.forEach(Process::destroyForcibly);
    }
}
