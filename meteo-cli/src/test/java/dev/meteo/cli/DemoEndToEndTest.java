package dev.meteo.cli;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.meteo.cli.io.Json;
import dev.meteo.cli.io.WindowResultJson;
import dev.meteo.cli.options.Mode;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.redis.RedisSettings;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code meteo demo --headless} in both modes, against the Redis and RabbitMQ of this machine (embedded ones when they
 * do not answer): it exits 0, writes the summary, every terminal's file parses, the accounting identity holds when
 * recomputed from the files, and no child process outlives it.
 */
class DemoEndToEndTest {

    @TempDir
    Path dataDir;

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aShortHeadlessDemoAccountsForEveryRecordAndLeavesNoProcessBehind(Mode mode) throws IOException {
        Set<Long> before = Processes.descendantPids();

        int exit = Meteo.commandLine().execute("demo", "--mode", mode.name(), "--headless", "--duration", "12s",
                "--interval", "200ms", "--window", "1s", "--grace", "1s", "--delay", "0..50ms",
                "--data-dir", dataDir.toString(), "--http-port", "0",
                "--lb", "127.0.0.1:" + Processes.freePort(), "--proxy", "127.0.0.1:" + Processes.freePort());

        List<ProcessHandle> left = Processes.newDescendants(before);
        assertTrue(left.isEmpty(), "processes left behind:\n" + Processes.describe(left));
        assertEquals(0, exit, "demo exit code (2: the accounting does not hold)");

        Path run = onlyRunDirectory();
        Map<?, ?> summary = (Map<?, ?>) Json.read(Files.readString(run.resolve("summary.json")));
        long sent = number(summary, "records_sent");
        long late = number(summary, "records_late");
        long rejected = number(summary, "records_rejected");
        assertTrue(sent > 0, "no record sent: " + summary);
        assertTrue(number(summary, "windows_emitted") > 0, "no window emitted: " + summary);
        Map<?, ?> received = (Map<?, ?>) summary.get("windows_received");
        assertEquals(Set.of("1", "2"), received.keySet(), "one count per terminal");

        for (String terminal : List.of("1", "2")) {
            List<Map<?, ?>> windows = windows(run.resolve("terminal-" + terminal + ".jsonl"));
            assertTrue(!windows.isEmpty(), "terminal " + terminal + " received no window");
            assertEquals(windows.size(), ((Number) received.get(terminal)).longValue(), "windows received by " + terminal);
        }
        long inWindows = windows(run.resolve("terminal-1.jsonl")).stream()
                .mapToLong(window -> count(window, "wellness") + count(window, "pollution")).sum();
        assertEquals(sent, inWindows + late + rejected,
                "sent = in terminal-1's windows + late + rejected; summary " + summary);
        assertTrue(run.resolve("logs").resolve("all.log").toFile().isFile(), "the children's logs are collected");
        assertTrue(Files.readString(run.resolve("logs").resolve("all.log")).contains("proxy         | "),
                "each log line is prefixed with its process");
        assertNothingLeftInTheSharedServices(mode, run.getFileName().toString());
    }

    /** A run that accounted for everything deletes its keys and (durable) queues: runs do not pile up there. */
    private static void assertNothingLeftInTheSharedServices(Mode mode, String runId) throws IOException {
        String redisUri = System.getenv().getOrDefault("METEO_REDIS_URI", RedisSettings.DEFAULT_URI);
        try (Jedis jedis = new Jedis(URI.create(redisUri))) {
            assertEquals(Set.of(), jedis.keys("meteo:demo-" + runId + ":*"), "Redis keys of the run");
        }
        if (mode == Mode.RABBIT) {
            RabbitSettings rabbit = RabbitSettings.of(
                    System.getenv().getOrDefault("METEO_RABBIT_URI", RabbitSettings.DEFAULT_URI));
            try (Connection connection = RabbitConnections.open(rabbit, "demo-test-check")) {
                for (String queue : List.of(".records", ".records.dead", ".terminal.1")) {
                    String name = "meteo-demo-" + runId + queue;
                    assertThrows(IOException.class, () -> {
                        try (Channel channel = connection.createChannel()) {
                            channel.queueDeclarePassive(name);
                        }
                    }, "queue " + name + " still exists");
                }
            }
        }
    }

    private Path onlyRunDirectory() throws IOException {
        try (Stream<Path> runs = Files.list(dataDir)) {
            List<Path> all = runs.filter(Files::isDirectory).toList();
            assertEquals(1, all.size(), "one run folder under --data-dir: " + all);
            return all.get(0);
        }
    }

    /** Every line of a terminal's file, each one a window with the documented fields. */
    private static List<Map<?, ?>> windows(Path jsonl) throws IOException {
        return Files.readAllLines(jsonl).stream().filter(line -> !line.isBlank()).<Map<?, ?>>map(line -> {
            Map<?, ?> window = (Map<?, ?>) Json.read(line);
            for (String field : List.of("start", "end", "wellness", "pollution", "late")) {
                assertTrue(window.containsKey(field), jsonl.getFileName() + ": no '" + field + "' in " + line);
            }
            WindowResultJson.fromJson(line); // and it reads back as a window result
            return window;
        }).toList();
    }

    private static long count(Map<?, ?> window, String kind) {
        return ((Number) ((Map<?, ?>) window.get(kind)).get("count")).longValue();
    }

    private static long number(Map<?, ?> summary, String key) {
        Object value = summary.get(key);
        assertTrue(value instanceof Number, "summary.json has no number '" + key + "': " + summary);
        return ((Number) value).longValue();
    }
}
