package dev.meteo.demo;

import dev.meteo.cli.Launcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code demo --no-embedded} with nothing at the configured address fails at once, saying exactly what to start. */
class NoEmbeddedTest {

    @TempDir
    Path dir;

    private Launcher launcher() throws IOException {
        return new Launcher(Map.of("METEO_CONFIG", Files.createFile(dir.resolve("meteo.properties")).toString()));
    }

    @Test
    void withoutRedisTheDemoSaysHowToStartIt() throws IOException {
        Launcher launcher = launcher();
        int exit = launcher.execute("demo", "--no-embedded", "--headless", "--redis-uri", "redis://127.0.0.1:1/0",
                "--data-dir", dir.toString());
        assertEquals(1, exit, launcher.err());
        assertTrue(launcher.err().contains("Redis does not answer at redis://127.0.0.1:1/0 (connection refused)"), launcher.err());
        assertTrue(launcher.err().contains("redis-server --daemonize yes --bind 127.0.0.1 --port 6379"), launcher.err());
        assertFalse(launcher.err().contains("\tat "), "no stack trace: " + launcher.err());
    }

    @Test
    void withoutRabbitMqTheRabbitDemoSaysHowToStartIt() throws IOException {
        Launcher launcher = launcher();
        int exit = launcher.execute("demo", "--no-embedded", "--headless", "--mode", "rabbit",
                "--rabbit-uri", "amqp://guest:secret@127.0.0.1:1/", "--data-dir", dir.toString());
        assertEquals(1, exit, launcher.err());
        assertTrue(launcher.err().contains("RabbitMQ does not answer at amqp://guest:***@127.0.0.1:1/"), launcher.err());
        assertTrue(launcher.err().contains("rabbitmq-server -detached"), launcher.err());
        assertFalse(launcher.err().contains("secret"), "the password is masked: " + launcher.err());
    }
}
