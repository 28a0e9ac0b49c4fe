package dev.meteo.cli.io;

import dev.meteo.cli.Processes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One logging setup: the SDK's {@code java.util.logging} lines, the libraries' SLF4J lines and the launcher's own
 * messages come out in one format, text by default or one JSON object per line with {@code --log-format json}.
 */
class LogsTest {

    private final PrintStream stderr = System.err;

    @AfterEach
    void restore() {
        System.setErr(stderr);
        Logs.configure(LogFormat.TEXT);
        Logs.identify("meteo", "meteo");
    }

    private static List<String> captured(ByteArrayOutputStream out) {
        return out.toString(StandardCharsets.UTF_8).lines().filter(line -> !line.isBlank()).toList();
    }

    @Test
    void julSlf4jAndLauncherLinesAreOneJsonObjectPerLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        Logs.configure(LogFormat.JSON);
        Logs.identify("server", "server-1");

        Logger.getLogger("dev.meteo.compute.ComputeNode").warning("storing 3 coefficients failed");
        org.slf4j.LoggerFactory.getLogger("com.rabbitmq.client.impl.ForgivingExceptionHandler")
                .info("connection {} recovered", "c-1");
        Console.info("server server-1: ready");
        Logger.getLogger("dev.meteo.window.WindowAggregator").log(java.util.logging.Level.SEVERE, "step failed",
                new IllegalStateException("boom"));

        List<String> lines = captured(out);
        assertEquals(4, lines.size(), String.join("\n", lines));
        List<Map<?, ?>> objects = new ArrayList<>();
        for (String line : lines) {
            Map<?, ?> object = (Map<?, ?>) Json.read(line);
            assertEquals(List.of("time", "level", "role", "id", "message", "fields"), List.copyOf(object.keySet()), line);
            Instant.parse((String) object.get("time"));
            assertEquals("server", object.get("role"), line);
            assertEquals("server-1", object.get("id"), line);
            objects.add(object);
        }
        assertEquals("WARNING", objects.get(0).get("level"));
        assertEquals("storing 3 coefficients failed", objects.get(0).get("message"));
        assertEquals("dev.meteo.compute.ComputeNode", ((Map<?, ?>) objects.get(0).get("fields")).get("logger"));
        assertEquals("connection c-1 recovered", objects.get(1).get("message"), "an SLF4J line, formatted by SLF4J");
        assertEquals("com.rabbitmq.client.impl.ForgivingExceptionHandler", ((Map<?, ?>) objects.get(1).get("fields")).get("logger"));
        assertEquals("server server-1: ready", objects.get(2).get("message"));
        assertTrue(((String) ((Map<?, ?>) objects.get(3).get("fields")).get("error")).contains("IllegalStateException: boom"),
                lines.get(3));
    }

    @Test
    void textIsTheDefaultAndAlsoOneFormatForEveryone() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        Logs.configure(LogFormat.TEXT);

        Logger.getLogger("dev.meteo.sensor.Sensor").info("sensor air-1 started");
        org.slf4j.LoggerFactory.getLogger("redis.clients.jedis.JedisPool").warn("pool exhausted");
        Console.info("sensor air-1: ready");

        List<String> lines = captured(out);
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO sensor air-1 started"), lines.get(0));
        assertTrue(lines.get(1).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARNING pool exhausted"), lines.get(1));
        assertTrue(lines.get(2).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} sensor air-1: ready"), lines.get(2));
    }

    /** A role started as the demo starts it: every line it writes on stderr is a JSON object naming the role. */
    @Test
    void aRoleStartedWithLogFormatJsonWritesOnlyJsonLines() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.meteo.cli.Meteo", "lb", "--log-format", "json",
                "--lb", "127.0.0.1:" + Processes.freePort(), "--duration", "1s", "--status-every", "0"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, process.exitValue(), output);

        List<String> lines = output.lines().filter(line -> !line.isBlank()).toList();
        assertTrue(lines.size() >= 3, output);
        for (String line : lines) {
            Map<?, ?> object = (Map<?, ?>) Json.read(line);
            assertEquals("lb", object.get("role"), line);
        }
        assertTrue(lines.stream().anyMatch(line -> line.contains("\"message\":\"load balancer listening on")), output);
        assertTrue(lines.stream().anyMatch(line -> line.contains("\"message\":\"lb: ready\"")), output);
    }
}
