package dev.meteo.examples;

import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.formula.ProcessingDelay;
import dev.meteo.inprocess.InProcessBroadcast;
import dev.meteo.inprocess.InProcessLoadBalancer;
import dev.meteo.model.Accounting;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.WindowResult;
import dev.meteo.sensor.Sensor;
import dev.meteo.sensor.SensorSettings;
import dev.meteo.sensor.SensorType;
import dev.meteo.store.redis.RedisMeteoStore;
import dev.meteo.store.redis.RedisSettings;
import dev.meteo.terminal.RecordingSink;
import dev.meteo.terminal.Terminal;
import dev.meteo.terminal.TerminalSink;
import dev.meteo.window.AggregatorSettings;
import dev.meteo.window.WindowAggregator;
import dev.meteo.window.WindowSpec;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The whole Meteo pipeline in one JVM: 2 air and 2 pollution sensors, 2 compute nodes behind an in-process
 * round-robin balancer, one window aggregator (the proxy) and 2 terminals that print every window. Only the
 * transports are in-process; the store is the real Redis ({@code METEO_REDIS_URI}, default 127.0.0.1:6379/0).
 *
 * <p>Runs for 15 s (or the seconds given as the first argument), then stops the sensors, waits for the last
 * window to close and prints the accounting: every record sent is in exactly one window, late, or rejected.
 */
public final class InProcessPipeline {

    public static void main(String[] args) throws Exception {
        Duration runFor = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 15);
        Clock clock = Clock.systemUTC();
        // 2 s windows; grace above the largest processing delay, so no record is late in steady state
        WindowSpec window = WindowSpec.of(Duration.ofSeconds(2), Duration.ofMillis(800));
        ProcessingDelay delay = new ProcessingDelay(Duration.ofMillis(50), Duration.ofMillis(400));

        // A key prefix of our own: the example never touches another deployment's data, and cleans up after itself.
        String redisUri = System.getenv().getOrDefault("METEO_REDIS_URI", RedisSettings.DEFAULT_URI);
        RedisSettings redis = RedisSettings.of(redisUri, "meteo-example:" + UUID.randomUUID() + ":");
        try (RedisMeteoStore store = new RedisMeteoStore(redis)) {
            store.ping(); // fails fast, naming the address, when Redis is not running

            // Compute nodes: validate, wait the simulated delay (on a timer, not a thread per record), store.
            InProcessLoadBalancer balancer = new InProcessLoadBalancer();
            List<ComputeNode> nodes = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                ComputeNode node = new ComputeNode(ComputeSettings.of("node-" + i).withDelay(delay), store, clock);
                nodes.add(node);
                balancer.add(node);
            }

            // Terminals: each gets every window; one prints, both record so we can compare them at the end.
            InProcessBroadcast broadcast = new InProcessBroadcast();
            List<Terminal> terminals = new ArrayList<>();
            List<RecordingSink> recordings = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                RecordingSink recording = new RecordingSink();
                String name = "terminal-" + i;
                Terminal terminal = new Terminal(name, List.<TerminalSink>of(recording,
                        result -> System.out.println(name + "  " + describe(result))));
                terminals.add(terminal);
                recordings.add(recording);
                broadcast.add(terminal);
            }

            // The proxy: emits each window once, when it closes (end + grace), in order, empty ones included.
            WindowAggregator aggregator = new WindowAggregator(
                    AggregatorSettings.of(window, "example-proxy"), store, broadcast, clock).start();

            // Sensors last, so every record they send has somewhere to go.
            List<Sensor> sensors = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                SensorType type = i <= 2 ? SensorType.AIR : SensorType.POLLUTION;
                SensorSettings settings = SensorSettings.of(type.name().toLowerCase(Locale.ROOT) + "-" + i, type)
                        .withInterval(Duration.ofMillis(100)).withSeed(i);
                sensors.add(new Sensor(settings, balancer, clock).start());
            }
            System.out.println("running for " + runFor.toSeconds() + " s with " + window.size().toMillis()
                    + " ms windows, store " + redis.redactedUri() + " ...");
            Thread.sleep(runFor.toMillis());

            // Shut down in reverse order: sensors first (close() waits for their records to be stored) ...
            for (Sensor sensor : sensors) {
                sensor.close();
            }
            long sent = sensors.stream().mapToLong(sensor -> sensor.stats().sent()).sum();
            long stoppedAt = clock.millis();
            // ... then let the proxy close the window holding the last records (at most one window + grace) ...
            RecordingSink reference = recordings.get(0);
            Accounting accounting = reference.awaitAccounted(sent, stoppedAt, store,
                    Duration.ofMillis(window.sizeMillis() * 3 + window.graceMillis()));
            aggregator.close();
            nodes.forEach(ComputeNode::close);
            terminals.forEach(Terminal::close);

            System.out.println();
            System.out.println("windows: " + reference.size() + ", terminals agree: "
                    + recordings.get(0).results().equals(recordings.get(1).results()));
            for (ComputeNode node : nodes) {
                System.out.println(node.settings().id() + ": " + node.stats());
            }
            System.out.println("accounting: " + accounting);
            store.deleteAll();
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
