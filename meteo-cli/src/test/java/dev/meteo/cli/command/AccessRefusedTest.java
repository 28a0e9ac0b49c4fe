package dev.meteo.cli.command;

import dev.meteo.cli.Meteo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer that refuses a role's credentials ends the role at once, as a new user would want: one line that names the
 * user, the peer and what to do, exit code {@value RoleCommand#REFUSED}, no stack trace, no retry, no password. Run as
 * the user would, the real launcher in its own process, against the machine's RabbitMQ and Redis.
 */
class AccessRefusedTest {

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    private String run(String name, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Meteo.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        started.add(process);
        // --duration bounds a role that would wait instead: it would then end with another exit code
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "it ends by itself");
        String log = Files.readString(dir.resolve(name + ".log"));
        exitCodes.add(process.exitValue());
        return log;
    }

    private final List<Integer> exitCodes = new ArrayList<>();

    private static void assertOneClearLine(String log, String password) {
        assertFalse(log.contains(password), log);
        assertFalse(log.contains("\tat ") || log.contains("Exception"), "no stack trace, no exception name: " + log);
        assertFalse(log.contains("waiting for"), "no retry: " + log);
        assertFalse(log.contains("WARN"), log);
    }

    @Test
    void aRabbitSensorWithAWrongPasswordStopsAtOnceNamingTheUserTheBrokerAndWhatToDo() throws Exception {
        String log = run("sensor", "sensor", "--type", "air", "--mode", "rabbit",
                "--rabbit-uri", "amqp://guest:not-the-password@127.0.0.1:5672/", "--duration", "30s");
        assertEquals(RoleCommand.REFUSED, exitCodes.get(0), log);
        assertTrue(log.contains("STOPPED, RabbitMQ at amqp://guest:***@127.0.0.1:5672/ refused the login of user 'guest'"), log);
        assertTrue(log.contains("guest log in from the broker's own host only"), log);
        assertTrue(log.contains("rabbitmqctl add_user"), log);
        assertOneClearLine(log, "not-the-password");
    }

    @Test
    void aServerWithAWrongRedisPasswordStopsAtOnceNamingTheUser() throws Exception {
        String log = run("server", "server", "--redis-uri", "redis://meteo-nobody:not-the-password@127.0.0.1:6379/0",
                "--duration", "30s");
        assertEquals(RoleCommand.REFUSED, exitCodes.get(0), log);
        assertTrue(log.contains("STOPPED, Redis at redis://***@127.0.0.1:6379/0 refused user 'meteo-nobody' (WRONGPASS"), log);
        assertOneClearLine(log, "not-the-password");
    }

    @Test
    void mutualTlsWithoutACertificateIsAUsageErrorThatSaysWhatIsMissing() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "not read: the check comes first\n");
        String log = run("lb", "lb", "--tls-ca", ca.toString(), "--tls-client-auth", "require", "--duration", "30s");
        assertEquals(1, exitCodes.get(0), log);
        assertTrue(log.contains("mutual TLS (--tls-client-auth require) needs"), log);
        assertTrue(log.contains("--tls-cert, --tls-key"), log);
    }

    @AfterEach
    void stopWhatIsLeft() {
        started.forEach(Process::destroyForcibly);
    }
}
