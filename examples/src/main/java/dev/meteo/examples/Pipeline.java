package dev.meteo.examples;

import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.formula.ProcessingDelay;
import dev.meteo.grpc.GrpcTransport;
import dev.meteo.grpc.GrpcTransportSettings;
import dev.meteo.inprocess.InProcessTransport;
import dev.meteo.model.Accounting;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.WindowResult;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.RabbitTransport;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.sensor.Sensor;
import dev.meteo.sensor.SensorSettings;
import dev.meteo.sensor.SensorType;
import dev.meteo.terminal.RecordingSink;
import dev.meteo.terminal.Terminal;
import dev.meteo.terminal.TerminalSink;
import dev.meteo.transport.Transport;
import dev.meteo.window.AggregatorSettings;
import dev.meteo.window.WindowAggregator;
import dev.meteo.window.WindowResultPublisher;
import dev.meteo.window.WindowSpec;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The whole Meteo pipeline in one JVM, in the mode given as the first argument ({@code in-process}, {@code grpc} or
 * {@code rabbit}): 2 air and 2 pollution sensors, 2 compute nodes (simulated delay 50-400 ms), the window aggregator
 * (2 s windows, 0.8 s grace) and 2 terminals that print every window. The pipeline is written once, against the
 * {@link Transport} SPI; only {@link #transport} knows the modes. The store is the real Redis
 * ({@code METEO_REDIS_URI}, default 127.0.0.1:6379/0) under a key prefix of its own; rabbit mode needs a broker
 * ({@code METEO_RABBIT_URI}, default the local guest account) and deletes its queues at the end.
 *
 * <p>Runs for 15 s (or the seconds given as the second argument), then stops the sensors, waits for the last window
 * to close and prints the accounting: every record sent is in exactly one window, late, or rejected.
 */
public final class Pipeline {

    static final WindowSpec WINDOW = WindowSpec.of(Duration.ofSeconds(2), Duration.ofMillis(800));
    static final ProcessingDelay DELAY = new ProcessingDelay(Duration.ofMillis(50), Duration.ofMillis(400));

    /** What a run ends with: the accounting, and whether both terminals received the same windows. */
    public record Outcome(Accounting accounting, int windows, boolean terminalsAgree) {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "in-process";
        Duration runFor = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 15);
        // The roles log their start and stop through java.util.logging: one short line each.
        System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s %5$s%n");
        Outcome outcome = run(mode, runFor, System.out);
        System.exit(outcome.accounting().holds() && outcome.terminalsAgree() ? 0 : 1);
    }

    /** The only mode-specific lines: which transport, and where it finds its peers. */
    static Transport transport(String mode, String runId) {
        return switch (mode) {
            case "in-process" -> new InProcessTransport();
            // the load balancer and the proxy's registry start in this JVM, on free ports
            case "grpc" -> GrpcTransport.of(GrpcTransportSettings.inOneProcess());
            case "rabbit" -> RabbitTransport.of(rabbitSettings(runId));
            default -> throw new IllegalArgumentException("mode is in-process, grpc or rabbit, not '" + mode + "'");
        };
    }

    private static RabbitSettings rabbitSettings(String runId) {
        String uri = System.getenv().getOrDefault("METEO_RABBIT_URI", RabbitSettings.DEFAULT_URI);
        return RabbitSettings.of(uri).withNamePrefix("meteo-example-" + runId);
    }

    /** Runs the pipeline in {@code mode} for {@code runFor}, printing every window to {@code out}. */
    public static Outcome run(String mode, Duration runFor, PrintStream out) throws Exception {
        String runId = UUID.randomUUID().toString().substring(0, 8);
        Clock clock = Clock.systemUTC();
        // A key prefix of our own: the example never touches another deployment's data, and cleans up after itself.
        String redisUri = System.getenv().getOrDefault("METEO_REDIS_URI", RedisSettings.DEFAULT_URI);
        RedisSettings redis = RedisSettings.of(redisUri, "meteo-example:" + runId + ":");
        Deque<AutoCloseable> running = new ArrayDeque<>(); // closed in the reverse order of start
        try (RedisMeteoStore store = new RedisMeteoStore(redis); Transport transport = transport(mode, runId)) {
            store.ping(); // fails fast, naming the address, when Redis is not running

            // Direct mode's load balancer (the other modes have nothing to start here).
            running.push(transport.startLoadBalancer());

            // Compute nodes: validate, wait the simulated delay (on a timer, not a thread per record), store.
            List<ComputeNode> nodes = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                ComputeNode node = new ComputeNode(ComputeSettings.of("server-" + i).withDelay(DELAY), store, clock);
                running.push(node);
                nodes.add(node);
                Transport.Running server = transport.startComputeServer(node);
                running.push(server);
                server.ready().get(10, TimeUnit.SECONDS); // registered: the first records find a server
            }

            // The proxy's publisher (in direct mode also the registry that terminals join).
            WindowResultPublisher publisher = transport.openResultPublisher(store);
            running.push(publisher);

            // Terminals: each gets every window; one prints, both record so that we compare them at the end.
            List<RecordingSink> recordings = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                RecordingSink recording = new RecordingSink();
                String name = "terminal-" + i;
                Terminal terminal = new Terminal(name, List.<TerminalSink>of(recording,
                        result -> out.println(name + "  " + describe(result))));
                running.push(terminal);
                Transport.Running receiving = transport.startTerminal(terminal);
                running.push(receiving);
                receiving.ready().get(10, TimeUnit.SECONDS); // registered, queue bound: it gets every window
                recordings.add(recording);
            }

            // The proxy: emits each window once, when it closes (end + grace), in order, empty ones included.
            WindowAggregator aggregator = new WindowAggregator(
                    AggregatorSettings.of(WINDOW, "example-proxy-" + runId), store, publisher, clock).start();
            running.push(aggregator);

            // Sensors last, so that every record they send has somewhere to go.
            List<Sensor> sensors = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                SensorType type = i <= 2 ? SensorType.AIR : SensorType.POLLUTION;
                SensorSettings settings = SensorSettings.of(type.name().toLowerCase(Locale.ROOT) + "-" + i, type)
                        .withInterval(Duration.ofMillis(100)).withSeed(i);
                RecordPublisher records = transport.openRecordPublisher(settings.id());
                running.push(records);
                sensors.add(new Sensor(settings, records, clock).start());
            }
            out.println(mode + ": running for " + runFor.toSeconds() + " s with " + WINDOW.size().toMillis()
                    + " ms windows, store " + redis.redactedUri() + " ...");
            Thread.sleep(runFor.toMillis());

            // Sensors first: close() waits until their records are confirmed (stored, or taken by the broker) ...
            for (Sensor sensor : sensors) {
                sensor.close();
            }
            long sent = sensors.stream().mapToLong(sensor -> sensor.stats().sent()).sum();
            // ... then the proxy closes the window holding the last records (at most one window + grace later).
            RecordingSink reference = recordings.get(0);
            Accounting accounting = reference.awaitAccounted(sent, clock.millis(), store,
                    Duration.ofMillis(WINDOW.sizeMillis() * 3 + WINDOW.graceMillis() + 10_000));
            // the other terminal may still be receiving the last window: wait for it before comparing
            recordings.get(1).awaitSize(reference.size(), Duration.ofSeconds(10));
            boolean agree = reference.results().equals(recordings.get(1).results());

            out.println();
            out.println("windows: " + reference.size() + ", terminals agree: " + agree);
            for (ComputeNode node : nodes) {
                out.println(node.settings().id() + ": " + node.stats());
            }
            out.println("accounting: " + accounting);
            return new Outcome(accounting, reference.size(), agree);
        } finally {
            while (!running.isEmpty()) {
                running.pop().close();
            }
            cleanUp(mode, runId, redis);
        }
    }

    /** Leaves nothing behind: this run's Redis keys and, in rabbit mode, its durable queues and exchange. */
    private static void cleanUp(String mode, String runId, RedisSettings redis) throws Exception {
        try (RedisMeteoStore store = new RedisMeteoStore(redis)) {
            store.deleteAll();
        }
        if (mode.equals("rabbit")) {
            RabbitSettings rabbit = rabbitSettings(runId);
            try (var connection = RabbitConnections.open(rabbit, "meteo-example-cleanup")) {
                new Topology(rabbit).deleteAll(connection, List.of("terminal-1", "terminal-2"));
            }
        }
    }

    /** One line per window: start, then count / mean ± stddev per kind, then the running late count. */
    static String describe(WindowResult result) {
        return String.format(Locale.ROOT, "[%s, %s)  wellness %s  pollution %s  late %d",
                result.start(), result.end().toString().substring(11), kind(result.wellness()),
                kind(result.pollution()), result.lateRecords());
    }

    private static String kind(KindStatistics s) {
        return s.isEmpty() ? "n=0             "
                : String.format(Locale.ROOT, "n=%-3d %.3f±%.3f", s.count(), s.mean(), s.stddev());
    }
}
