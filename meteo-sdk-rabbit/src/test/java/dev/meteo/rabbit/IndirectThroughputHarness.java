package dev.meteo.rabbit;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.rabbit.compute.RabbitComputeServer;
import dev.meteo.rabbit.sensor.RabbitRecordPublisher;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.sensor.Sensor;
import dev.meteo.sensor.SensorSettings;
import dev.meteo.sensor.SensorType;
import dev.meteo.testing.RedisTestSupport;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Load harness of the indirect mode, not run by {@code mvn test}: sensors with no interval (as fast as confirms
 * allow) publish to the work queue, compute servers with no processing delay store in the real Redis and ack.
 * Full reliability throughout: persistent messages, publisher confirms, manual acks after the store. Prints the
 * records/s acknowledged by the servers (the end-to-end rate) over a measured period after a warm-up.
 *
 * <p>Arguments (all optional): warm-up seconds (20), measured seconds (30), sensors (4), servers (2).
 * Run from the repository root after {@code mvn -pl meteo-sdk-rabbit -am test-compile}:
 * {@code java -cp <test classpath> dev.meteo.rabbit.IndirectThroughputHarness 20 30 4 2}.
 */
public final class IndirectThroughputHarness {

    private IndirectThroughputHarness() {
    }

    public static void main(String[] args) throws Exception {
        Duration warmUp = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 20);
        Duration measured = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 30);
        int sensorCount = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int serverCount = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Logger.getLogger("").setLevel(Level.WARNING);

        Clock clock = Clock.systemUTC();
        RabbitSettings settings = RabbitTestSupport.freshSettings();
        RedisMeteoStore store = RedisTestSupport.freshStore();
        Deque<AutoCloseable> toClose = new ArrayDeque<>();
        List<RabbitComputeServer> servers = new ArrayList<>();
        List<Sensor> sensors = new ArrayList<>();
        try (Connection inspector = RabbitConnections.open(settings, settings.namePrefix() + "-harness")) {
            for (int i = 0; i < serverCount; i++) {
                ComputeNode node = new ComputeNode(ComputeSettings.of("server-" + i), store, clock);
                toClose.push(node);
                RabbitComputeServer server = RabbitComputeServer.start(settings, node);
                toClose.push(server);
                servers.add(server);
            }
            for (int i = 0; i < sensorCount; i++) {
                SensorType type = i % 2 == 0 ? SensorType.AIR : SensorType.POLLUTION;
                RabbitRecordPublisher publisher = RabbitRecordPublisher.open(settings);
                toClose.push(publisher);
                Sensor sensor = new Sensor(SensorSettings.of("harness-" + i, type).withInterval(Duration.ZERO)
                        .withMaxInFlight(1_000), publisher, clock);
                toClose.push(sensor);
                sensors.add(sensor);
            }
            System.out.printf("indirect mode: %d sensors -> %s -> %d servers -> Redis, delay 0, persistent + confirms + acks%n",
                    sensorCount, new Topology(settings).workQueue(), serverCount);
            sensors.forEach(Sensor::start);

            Thread.sleep(warmUp.toMillis()); // a harness measures wall-clock rates: sleeping is the point
            long ackedBefore = acked(servers);
            long confirmedBefore = confirmed(sensors);
            long backlogBefore = backlog(inspector, settings);
            long start = System.nanoTime();
            Thread.sleep(measured.toMillis());
            double seconds = (System.nanoTime() - start) / 1e9;
            long acked = acked(servers) - ackedBefore;
            long confirmed = confirmed(sensors) - confirmedBefore;
            long backlogAfter = backlog(inspector, settings);

            System.out.printf("measured %.1f s after %d s warm-up%n", seconds, warmUp.toSeconds());
            System.out.printf("end to end (stored in Redis and acked): %.0f records/s%n", acked / seconds);
            System.out.printf("published and confirmed by the broker:  %.0f records/s%n", confirmed / seconds);
            System.out.printf("work queue backlog: %d -> %d%n", backlogBefore, backlogAfter);
            for (RabbitComputeServer server : servers) {
                System.out.println("  " + server.connectionName() + ": " + server.stats());
            }
        } finally {
            while (!toClose.isEmpty()) {
                try {
                    toClose.pop().close();
                } catch (Exception e) {
                    System.err.println("closing: " + e.getMessage());
                }
            }
            RabbitTestSupport.deleteTopology(settings, List.of());
            store.deleteAll();
            store.close();
        }
    }

    private static long acked(List<RabbitComputeServer> servers) {
        return servers.stream().mapToLong(server -> server.stats().acked()).sum();
    }

    private static long confirmed(List<Sensor> sensors) {
        return sensors.stream().mapToLong(sensor -> sensor.stats().confirmed()).sum();
    }

    private static long backlog(Connection connection, RabbitSettings settings) throws Exception {
        try (Channel channel = connection.createChannel()) {
            return channel.queueDeclarePassive(new Topology(settings).workQueue()).getMessageCount();
        }
    }
}
