package dev.meteo.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The demo's children get Redis and RabbitMQ URIs and the dashboard token in their environment, not on their command
 * line, which every user of the host can read ({@code ps}, {@code /proc/<pid>/cmdline}).
 */
class ChildProcessSecretsTest {

    @TempDir
    Path logDir;

    @Test
    void optionsThatCarrySecretsBecomeMeteoVariables() {
        Map<String, String> secrets = new LinkedHashMap<>();
        List<String> kept = ChildProcess.withoutSecrets(List.of("server", "--redis-uri=redis://:pw@h:6379/0",
                "--redis-prefix=p:", "--rabbit-uri", "amqp://u:pw@h:5672/", "--http-token=t0ken", "--id=s1"), secrets);
        assertEquals(List.of("server", "--redis-prefix=p:", "--id=s1"), kept);
        assertEquals(Map.of("METEO_REDIS_URI", "redis://:pw@h:6379/0", "METEO_RABBIT_URI", "amqp://u:pw@h:5672/",
                "METEO_HTTP_TOKEN", "t0ken"), secrets);
    }

    @Test
    void aChildsCommandLineHoldsNoPasswordYetItUsesTheUri() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs /proc to read a process's command line");
        ChildProcess child = ChildProcess.start("server-1", List.of("server", "--id=server-1",
                "--redis-uri=redis://:s3cret@127.0.0.1:1/0", "--status-every=0"), logDir, new PrintWriter(new StringWriter()));
        try {
            // nothing listens on port 1: the server waits for Redis there, so the URI reached it
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(logDir.resolve("server-1.log"))
                    && Files.readString(logDir.resolve("server-1.log")).contains("waiting for Redis at redis://***@127.0.0.1:1/0"));
            String commandLine = Files.readString(Path.of("/proc", String.valueOf(child.pid()), "cmdline"),
                    StandardCharsets.UTF_8).replace('\0', ' ');
            assertTrue(commandLine.contains("--id=server-1"), commandLine);
            assertFalse(commandLine.contains("s3cret") || commandLine.contains("--redis-uri"), commandLine);
            assertFalse(Files.readString(logDir.resolve("server-1.log")).contains("s3cret"));
        } finally {
            child.kill();
        }
    }
}
