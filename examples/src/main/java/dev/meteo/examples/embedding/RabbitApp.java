package dev.meteo.examples.embedding;

import com.rabbitmq.client.Connection;
import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
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
import java.util.concurrent.TimeUnit;

/**
 * Indirect mode (RabbitMQ): the sensor publishes to the work queue, the compute server consumes it, the proxy
 * publishes each window to the fanout exchange, the terminal consumes its own queue. Needs a broker
 * ({@code METEO_RABBIT_URI}, default the local guest account). Runs for the seconds given as the first argument
 * (default 10), printing every window, then deletes its keys, queues and exchange.
 */
public final class RabbitApp {

    public static void main(String[] args) throws Exception {
        Duration runFor = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 10);
        String runId = UUID.randomUUID().toString();
        String redisUri = System.getenv().getOrDefault("METEO_REDIS_URI", RedisSettings.DEFAULT_URI);
        RedisSettings redis = RedisSettings.of(redisUri, "myapp-" + runId + ":");             // keys of our own
        String rabbitUri = System.getenv().getOrDefault("METEO_RABBIT_URI", RabbitSettings.DEFAULT_URI);
        RabbitSettings rabbit = RabbitSettings.of(rabbitUri).withNamePrefix("myapp-" + runId); // queues of our own
        WindowSpec window = WindowSpec.of(Duration.ofSeconds(1), Duration.ofSeconds(1));      // size, grace
        Clock clock = Clock.systemUTC();
        TerminalSink print = (WindowResult result) -> System.out.println("window " + result.start() + ": "
                + result.wellness().count() + " air, " + result.pollution().count() + " pollution records");

        // Started in this order, closed in the reverse order: sensors first, the store last.
        try (RedisMeteoStore store = new RedisMeteoStore(redis);
             Transport transport = RabbitTransport.of(rabbit);
             ComputeNode node = new ComputeNode(ComputeSettings.of("node-1"), store, clock);
             Transport.Running server = ready(transport.startComputeServer(node));       // consuming the work queue
             WindowResultPublisher publisher = transport.openResultPublisher(store);
             Terminal terminal = new Terminal("terminal-1", List.of(print));
             Transport.Running receiving = ready(transport.startTerminal(terminal));     // its queue bound
             WindowAggregator proxy = new WindowAggregator(
                     AggregatorSettings.of(window, "proxy-1"), store, publisher, clock).start();
             RecordPublisher records = transport.openRecordPublisher("air-1");
             Sensor sensor = new Sensor(SensorSettings.of("air-1", SensorType.AIR), records, clock).start()) {
            Thread.sleep(runFor.toMillis());
            System.out.println("sensor so far: " + sensor.stats());
        }
        try (RedisMeteoStore store = new RedisMeteoStore(redis);
             Connection broker = RabbitConnections.open(rabbit, "myapp-cleanup")) {
            store.deleteAll();
            new Topology(rabbit).deleteAll(broker, List.of("terminal-1"));
        }
    }

    /** Waits, with a bound, until the part's peers know it. */
    private static Transport.Running ready(Transport.Running part) throws Exception {
        part.ready().get(10, TimeUnit.SECONDS);
        return part;
    }
}
