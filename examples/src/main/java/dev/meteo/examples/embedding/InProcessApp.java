package dev.meteo.examples.embedding;

import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.inprocess.InProcessTransport;
import dev.meteo.model.WindowResult;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.sensor.Sensor;
import dev.meteo.sensor.SensorSettings;
import dev.meteo.sensor.SensorType;
import dev.meteo.terminal.Terminal;
import dev.meteo.terminal.TerminalSink;
import dev.meteo.transport.Transport;
import dev.meteo.window.AggregatorSettings;
import dev.meteo.window.WindowAggregator;
import dev.meteo.window.WindowResultPublisher;
import dev.meteo.window.WindowSpec;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The smallest embedding: every role in this JVM, connected by method calls, on the real Redis. Runs for the seconds
 * given as the first argument (default 10), printing every window, then deletes its keys.
 */
public final class InProcessApp {

    public static void main(String[] args) throws Exception {
        Duration runFor = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 10);
        String redisUri = System.getenv().getOrDefault("METEO_REDIS_URI", RedisSettings.DEFAULT_URI);
        RedisSettings redis = RedisSettings.of(redisUri, "myapp-" + UUID.randomUUID() + ":"); // keys of our own
        WindowSpec window = WindowSpec.of(Duration.ofSeconds(1), Duration.ofSeconds(1));      // size, grace
        Clock clock = Clock.systemUTC();
        TerminalSink print = (WindowResult result) -> System.out.println("window " + result.start() + ": "
                + result.wellness().count() + " air, " + result.pollution().count() + " pollution records");

        // Started in this order, closed in the reverse order: sensors first, the store last.
        try (RedisMeteoStore store = new RedisMeteoStore(redis);
             Transport transport = new InProcessTransport();
             Transport.Running balancer = transport.startLoadBalancer();
             ComputeNode node = new ComputeNode(ComputeSettings.of("node-1"), store, clock);
             Transport.Running server = transport.startComputeServer(node);
             WindowResultPublisher publisher = transport.openResultPublisher(store);
             Terminal terminal = new Terminal("terminal-1", List.of(print));
             Transport.Running receiving = transport.startTerminal(terminal);
             WindowAggregator proxy = new WindowAggregator(
                     AggregatorSettings.of(window, "proxy-1"), store, publisher, clock).start();
             RecordPublisher records = transport.openRecordPublisher("air-1");
             Sensor sensor = new Sensor(SensorSettings.of("air-1", SensorType.AIR), records, clock).start()) {
            Thread.sleep(runFor.toMillis());
            System.out.println("sensor so far: " + sensor.stats());
        }
        try (RedisMeteoStore store = new RedisMeteoStore(redis)) {
            store.deleteAll();
        }
    }
}
