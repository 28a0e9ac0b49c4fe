package dev.meteo.examples;

import com.rabbitmq.client.Connection;
import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.formula.ProcessingDelay;
import dev.meteo.model.Accounting;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.compute.RabbitComputeServer;
import dev.meteo.rabbit.proxy.RabbitResultPublisher;
import dev.meteo.rabbit.sensor.RabbitRecordPublisher;
import dev.meteo.rabbit.terminal.RabbitTerminalConsumer;
import dev.meteo.rabbit.topology.Topology;
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
 * The indirect mode in one JVM, over a real RabbitMQ ({@code METEO_RABBIT_URI}, default the local guest account):
 * 2 air and 2 pollution sensors publish to one work queue, 2 compute servers compete for its records and ack each
 * one once stored, the proxy (window aggregator) publishes every window once to a fanout exchange, and each of the
 * 2 terminals consumes its own queue bound to it. Redis as in {@link InProcessPipeline}.
 *
 * <p>Queue and exchange names, like the Redis keys, carry a prefix of their own, deleted at the end. Runs for 15 s
 * (or the seconds given as the first argument), then prints the accounting.
 */
public final class RabbitPipeline {

    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s %5$s%n");
        Duration runFor = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 15);
        Clock clock = Clock.systemUTC();
        WindowSpec window = WindowSpec.of(Duration.ofSeconds(2), Duration.ofMillis(800));
        ProcessingDelay delay = new ProcessingDelay(Duration.ofMillis(50), Duration.ofMillis(400));

        String run = UUID.randomUUID().toString();
        String redisUri = System.getenv().getOrDefault("METEO_REDIS_URI", RedisSettings.DEFAULT_URI);
        RedisSettings redis = RedisSettings.of(redisUri, "meteo-example:" + run + ":");
        // Every role of one deployment uses the same settings: same broker, same name prefix.
        RabbitSettings rabbit = RabbitSettings.fromEnvironment().withNamePrefix("meteo-example-" + run);
        List<String> terminalIds = List.of("terminal-1", "terminal-2");
        try (RedisMeteoStore store = new RedisMeteoStore(redis)) {
            store.ping();

            // Compute servers: the core ComputeNode fed by the shared work queue (prefetch bounds what each holds).
            List<ComputeNode> nodes = new ArrayList<>();
            List<RabbitComputeServer> servers = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                ComputeNode node = new ComputeNode(ComputeSettings.of("server-" + i).withDelay(delay), store, clock);
                nodes.add(node);
                servers.add(RabbitComputeServer.start(rabbit, node, store)); // store: where undecodable ones count
            }

            // Terminals before the proxy: each declares its queue and binds it, so it gets every window.
            List<RecordingSink> recordings = new ArrayList<>();
            List<Terminal> terminals = new ArrayList<>();
            List<RabbitTerminalConsumer> consumers = new ArrayList<>();
            for (String name : terminalIds) {
                RecordingSink recording = new RecordingSink();
                Terminal terminal = new Terminal(name, List.<TerminalSink>of(recording,
                        result -> System.out.println(name + "  " + InProcessPipeline.describe(result))));
                recordings.add(recording);
                terminals.add(terminal);
                consumers.add(RabbitTerminalConsumer.start(rabbit, terminal));
            }

            // The window aggregator: the same core class as in-process, publishing to the fanout exchange.
            RabbitResultPublisher publisher = RabbitResultPublisher.open(rabbit);
            WindowAggregator aggregator = new WindowAggregator(
                    AggregatorSettings.of(window, "rabbit-example-proxy"), store, publisher, clock).start();

            // Sensors last; each publisher waits for the broker's confirm of every record it sends.
            List<Sensor> sensors = new ArrayList<>();
            List<RabbitRecordPublisher> publishers = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                SensorType type = i <= 2 ? SensorType.AIR : SensorType.POLLUTION;
                RabbitRecordPublisher records = RabbitRecordPublisher.open(rabbit);
                SensorSettings settings = SensorSettings.of(type.name().toLowerCase(Locale.ROOT) + "-" + i, type)
                        .withInterval(Duration.ofMillis(100)).withSeed(i);
                publishers.add(records);
                sensors.add(new Sensor(settings, records, clock).start());
            }
            System.out.println("running for " + runFor.toSeconds() + " s on " + rabbit.redactedUri() + ", names "
                    + rabbit.namePrefix() + ".*, store " + redis.redactedUri() + " ...");
            Thread.sleep(runFor.toMillis());

            // Reverse order: sensors, then their publishers (close() waits for outstanding confirms), then ...
            for (int i = 0; i < sensors.size(); i++) {
                sensors.get(i).close();
                publishers.get(i).close();
            }
            long sent = sensors.stream().mapToLong(sensor -> sensor.stats().sent()).sum();
            long stoppedAt = clock.millis();
            // ... the window holding the last records closes (the servers drain the queue meanwhile), then the rest.
            RecordingSink reference = recordings.get(0);
            Accounting accounting = reference.awaitAccounted(sent, stoppedAt, store,
                    Duration.ofMillis(window.sizeMillis() * 3 + window.graceMillis()));
            aggregator.close();
            publisher.close();
            consumers.forEach(RabbitTerminalConsumer::close);
            terminals.forEach(Terminal::close);
            servers.forEach(RabbitComputeServer::close);
            nodes.forEach(ComputeNode::close);

            System.out.println();
            System.out.println("windows: " + reference.size() + ", terminals agree: "
                    + recordings.get(0).results().equals(recordings.get(1).results()));
            for (int i = 0; i < servers.size(); i++) {
                System.out.println(nodes.get(i).settings().id() + ": " + servers.get(i).stats());
            }
            System.out.println("accounting: " + accounting);

            // Leave nothing behind: this run's queues and exchange, then its Redis keys.
            try (Connection connection = rabbit.connect("meteo-example-cleanup")) {
                new Topology(rabbit).deleteAll(connection, terminalIds);
            }
            store.deleteAll();
        }
    }
}
