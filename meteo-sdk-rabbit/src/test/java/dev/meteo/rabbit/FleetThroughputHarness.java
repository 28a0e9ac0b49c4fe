package dev.meteo.rabbit;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.sensor.SensorFleet;
import dev.meteo.sensor.SensorSettings;
import dev.meteo.sensor.SensorType;
import dev.meteo.testing.RedisTestSupport;
import dev.meteo.transport.Transport;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Load harness of a fleet in indirect mode, not run by {@code mvn test}: the same fleet of sensors (one process, one
 * connection) publishes through {@link Transport#openRecordPublisher} (a message per record) and then through
 * {@link Transport#openFleetPublisher} (batch messages), each time to compute servers with no processing delay that
 * store in the real Redis and ack. Prints, for each, the records/s stored by the servers (the end-to-end rate), the
 * records/s the broker confirmed, the messages/s, and the work queue's backlog.
 *
 * <p>Arguments (all optional): sensors (1000), interval ms (10), warm-up s (10), measured s (20), servers (2),
 * max in flight per sensor (16), modes ({@code unary,batch}), the servers' prefetch (1000). Run from the repository root after
 * {@code mvn -pl meteo-sdk-rabbit -am test-compile}:
 * {@code java -cp <test classpath> dev.meteo.rabbit.FleetThroughputHarness 1000 10 10 20 2 16 unary,batch 1000}.
 */
public final class FleetThroughputHarness {

    private FleetThroughputHarness() {
    }

    public static void main(String[] args) throws Exception {
        int sensors = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        Duration interval = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 10);
        Duration warmUp = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 10);
        Duration measured = Duration.ofSeconds(args.length > 3 ? Long.parseLong(args[3]) : 20);
        int servers = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        int maxInFlight = args.length > 5 ? Integer.parseInt(args[5]) : 16;
        String[] modes = (args.length > 6 ? args[6] : "unary,batch").split(",");
        int prefetch = args.length > 7 ? Integer.parseInt(args[7]) : RabbitSettings.DEFAULT_PREFETCH;
        Logger.getLogger("").setLevel(Level.WARNING);
        System.out.printf("fleet of %d sensors every %d ms (offered %.0f records/s), %d in flight each, %d servers, "
                        + "prefetch %d, delay 0, persistent + confirms + acks after the store%n", sensors, interval.toMillis(),
                sensors * 1_000.0 / interval.toMillis(), maxInFlight, servers, prefetch);
        for (String mode : modes) {
            run(mode.trim(), sensors, interval, warmUp, measured, servers, maxInFlight, prefetch);
        }
    }

    private static void run(String mode, int sensorCount, Duration interval, Duration warmUp, Duration measured,
                            int serverCount, int maxInFlight, int prefetch) throws Exception {
        Clock clock = Clock.systemUTC();
        RabbitSettings settings = RabbitTestSupport.freshSettings().withPrefetch(prefetch);
        RedisMeteoStore store = RedisTestSupport.freshStore();
        Deque<AutoCloseable> toClose = new ArrayDeque<>();
        List<ComputeNode> nodes = new ArrayList<>();
        List<Transport.Running> parts = new ArrayList<>();
        try (Connection inspector = RabbitConnections.open(settings, settings.namePrefix() + "-harness")) {
            RabbitTransport transport = RabbitTransport.of(settings);
            for (int i = 0; i < serverCount; i++) {
                ComputeNode node = new ComputeNode(ComputeSettings.of("server-" + i), store, clock);
                toClose.push(node);
                nodes.add(node);
                Transport.Running part = transport.startComputeServer(node);
                toClose.push(part);
                parts.add(part);
            }
            RecordPublisher publisher = mode.equals("batch") ? transport.openFleetPublisher("harness")
                    : transport.openRecordPublisher("harness");
            toClose.push(publisher);
            SensorSettings template = SensorSettings.of("harness-" + mode, SensorType.AIR).withInterval(interval)
                    .withMaxInFlight(maxInFlight).withSeed(1L);
            SensorFleet fleet = new SensorFleet(SensorFleet.numbered(template, sensorCount), publisher, clock);
            toClose.push(fleet);
            fleet.start();

            Thread.sleep(warmUp.toMillis()); // a harness measures wall-clock rates: sleeping is the point
            long storedBefore = processed(nodes);
            long confirmedBefore = fleet.stats().confirmed();
            long skippedBefore = fleet.stats().skipped();
            long messagesBefore = messages(parts);
            long backlogBefore = backlog(inspector, settings);
            long start = System.nanoTime();
            Thread.sleep(measured.toMillis());
            double seconds = (System.nanoTime() - start) / 1e9;
            long stored = processed(nodes) - storedBefore;
            long confirmed = fleet.stats().confirmed() - confirmedBefore;
            long skipped = fleet.stats().skipped() - skippedBefore;
            long messages = messages(parts) - messagesBefore;
            long backlogAfter = backlog(inspector, settings);

            System.out.printf("%-5s: stored %.0f records/s, confirmed %.0f records/s, %.0f messages/s taken by the "
                            + "servers (%.1f records each), readings skipped (in-flight full) %.0f/s, backlog %d -> %d "
                            + "messages, %.1f s after %d s warm-up%n", mode, stored / seconds, confirmed / seconds,
                    messages / seconds, messages == 0 ? 0 : (double) stored / messages, skipped / seconds,
                    backlogBefore, backlogAfter, seconds, warmUp.toSeconds());
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

    private static long processed(List<ComputeNode> nodes) {
        return nodes.stream().mapToLong(node -> node.stats().processed()).sum();
    }

    /** Messages the servers took from the work queue (a batch is one). */
    private static long messages(List<Transport.Running> parts) {
        return parts.stream().mapToLong(part -> deliveries(part)).sum();
    }

    private static long backlog(Connection connection, RabbitSettings settings) throws Exception {
        try (Channel channel = connection.createChannel()) {
            return channel.queueDeclarePassive(new Topology(settings).workQueue()).getMessageCount();
        }
    }

    /** Record messages the server part took from the work queue (a batch is one), as it reports them. */
    private static long deliveries(Transport.Running part) {
        return (long) part.measurements().stream().filter(m -> m.name().equals("meteo.rabbit.deliveries"))
                .mapToDouble(m -> m.value()).sum();
    }
}
