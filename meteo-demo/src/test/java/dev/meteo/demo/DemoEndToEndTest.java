package dev.meteo.demo;

import dev.meteo.cli.Meteo;
import dev.meteo.cli.Processes;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.meteo.demo.DemoCommand;
import dev.meteo.cli.io.Json;
import dev.meteo.cli.io.WindowResultJson;
import dev.meteo.cli.metrics.Exposition;
import dev.meteo.process.Scrapes;
import dev.meteo.cli.options.Mode;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.redis.RedisSettings;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code meteo demo --headless} in both modes, against the Redis and RabbitMQ of this machine (embedded ones when they
 * do not answer): it exits 0, writes the summary, every terminal's file parses, the accounting identity holds when
 * recomputed from the files, and no child process outlives it. While it runs, every process's metrics endpoint
 * (named in the demo's Prometheus targets file) is scraped; at the end the counters of the final scrapes agree with
 * the accounting; and every metric the Grafana dashboard in {@code deploy/} queries exists in a scrape of one mode.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoEndToEndTest {

    /** The metric names scraped in each mode, for the dashboard's check. */
    private static final Map<Mode, Set<String>> SCRAPED = new ConcurrentHashMap<>();

    /** A metric each role serves, whatever the mode. */
    private static final Map<String, String> ROLE_METRIC = Map.of(
            "lb", "meteo_lb_backends_live",
            "proxy", "meteo_proxy_windows_closed_total",
            "server", "meteo_records_stored_total",
            "terminal", "meteo_terminal_windows_received_total",
            "sensor", "meteo_sensor_records_sent_total");

    @TempDir
    Path dataDir;

    @Order(1)
    @ParameterizedTest
    @EnumSource(Mode.class)
    void aShortHeadlessDemoAccountsForEveryRecordAndLeavesNoProcessBehind(Mode mode) throws Exception {
        Set<Long> before = Processes.descendantPids();

        CompletableFuture<Integer> demo = CompletableFuture.supplyAsync(() -> Meteo.commandLine().execute("demo",
                "--mode", mode.name(), "--headless", "--duration", "12s",
                "--interval", "200ms", "--window", "1s", "--grace", "1s", "--delay", "0..50ms",
                "--data-dir", dataDir.toString(), "--http-port", "0",
                "--lb", "127.0.0.1:" + Processes.freePort(), "--proxy", Processes.freeAddresses(2)));
        Path targets = dataDir.resolve(DemoCommand.TARGETS_FILE);
        await().atMost(Duration.ofMinutes(2)).until(() -> Files.exists(targets) || demo.isDone());
        assertTrue(Files.exists(targets), "the demo wrote no Prometheus targets file");
        SCRAPED.put(mode, scrapeEveryProcess(mode, targets));
        int exit = demo.get(3, TimeUnit.MINUTES);

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
        assertTrue(Files.readString(run.resolve("logs").resolve("all.log")).contains("proxy-2       | "),
                "each log line is prefixed with its process");
        assertNothingLeftInTheSharedServices(mode, run.getFileName().toString());
        assertFinalMetricsAgreeWithTheAccounting(run, inWindows, late);
    }

    /** Scrapes every process named in the targets file once; each serves the JVM's meters and its role's. */
    private static Set<String> scrapeEveryProcess(Mode mode, Path targets) throws Exception {
        List<?> groups = (List<?>) Json.read(Files.readString(targets));
        Set<String> roles = new java.util.TreeSet<>();
        Set<String> names = new java.util.TreeSet<>();
        for (Object group : groups) {
            String target = (String) ((List<?>) ((Map<?, ?>) group).get("targets")).get(0);
            String process = (String) ((Map<?, ?>) ((Map<?, ?>) group).get("labels")).get("process");
            Exposition scrape = Exposition.parse(Scrapes.fetch(URI.create("http://" + target + "/metrics")));
            String role = scrape.samples().stream().map(sample -> sample.labels().get("role"))
                    .filter(java.util.Objects::nonNull).findFirst().orElseThrow(() -> new AssertionError(process
                            + " serves no series tagged with its role"));
            roles.add(role);
            assertTrue(scrape.has("jvm_memory_used_bytes") && scrape.has("process_cpu_usage"),
                    process + " serves no JVM or process metrics");
            assertTrue(scrape.has(ROLE_METRIC.get(role)), process + " (" + role + ") does not serve "
                    + ROLE_METRIC.get(role) + ": " + scrape.names());
            names.addAll(scrape.names());
        }
        Set<String> expected = new java.util.TreeSet<>(ROLE_METRIC.keySet());
        if (mode == Mode.RABBIT) {
            expected.remove("lb");
        }
        assertEquals(expected, roles, "every role of the pipeline is scraped");
        return names;
    }

    /**
     * The last scrape of each process (the demo keeps them in {@code <run>/metrics/}): the records the compute servers
     * counted as stored in a window are those in the terminals' windows, and stored + late is in windows + late.
     */
    private static void assertFinalMetricsAgreeWithTheAccounting(Path run, long inWindows, long late) throws IOException {
        Map<String, Exposition> finalScrapes = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.list(run.resolve("metrics"))) {
            for (Path file : files.toList()) {
                finalScrapes.put(file.getFileName().toString(), Exposition.parse(Files.readString(file)));
            }
        }
        double stored = 0;
        double storedLate = 0;
        for (var scrape : finalScrapes.entrySet()) {
            if (scrape.getKey().startsWith("server-")) {
                stored += scrape.getValue().sum("meteo_records_stored_total");
                storedLate += scrape.getValue().sum("meteo_records_late_total");
            }
        }
        assertTrue(stored > 0, "no server's final scrape counted a stored record: " + finalScrapes.keySet());
        assertEquals(inWindows, (long) stored, "stored in a window (servers' metrics) = in terminal-1's windows");
        assertEquals(inWindows + late, (long) (stored + storedLate),
                "records stored (metrics, in windows or late) = records in windows + late");
        assertEquals(inWindows, (long) finalScrapes.get("terminal-1.prom").sum("meteo_terminal_records_total"),
                "records in windows (terminal 1's metrics) = in its file");
        // the demo no longer tells its terminals the grace: they read the deployment's from Redis, and record a delay
        // from each window's close only once they have it
        assertTrue(finalScrapes.get("terminal-1.prom").sum("meteo_terminal_window_delay_seconds_count") > 0,
                "terminal 1 recorded no window delay: it never read the deployment's grace from Redis");
    }

    /** Every series the Grafana dashboard queries is served by some process, in one mode or the other. */
    @Order(2)
    @Test
    void everyMetricTheGrafanaDashboardQueriesExistsInAScrape() throws IOException {
        assumeTrue(SCRAPED.keySet().equals(Set.of(Mode.values())), "needs the demo's scrapes of both modes (run the class)");
        Set<String> scraped = new java.util.TreeSet<>();
        SCRAPED.values().forEach(scraped::addAll);
        Path dashboard = Path.of("..", "deploy", "grafana", "meteo-dashboard.json");
        List<String> queried = new ArrayList<>();
        for (Object panel : (List<?>) ((Map<?, ?>) Json.read(Files.readString(dashboard))).get("panels")) {
            for (Object target : (List<?>) ((Map<?, ?>) panel).get("targets")) {
                java.util.regex.Matcher metric = java.util.regex.Pattern
                        .compile("\\b((?:meteo|jvm|process)_[a-z_]+)\\b").matcher((String) ((Map<?, ?>) target).get("expr"));
                while (metric.find()) {
                    queried.add(metric.group(1));
                }
            }
        }
        assertTrue(queried.size() > 10, "the dashboard queries few metrics: " + queried);
        List<String> missing = queried.stream().filter(name -> !scraped.contains(name)).distinct().toList();
        assertEquals(List.of(), missing, "metrics the dashboard queries that no process serves");
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
