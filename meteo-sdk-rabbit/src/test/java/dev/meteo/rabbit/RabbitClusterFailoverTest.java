package dev.meteo.rabbit;

import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.model.Accounting;
import dev.meteo.model.WindowResult;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.sensor.Sensor;
import dev.meteo.sensor.SensorSettings;
import dev.meteo.sensor.SensorType;
import dev.meteo.store.SensorCounts;
import dev.meteo.terminal.RecordingSink;
import dev.meteo.terminal.Terminal;
import dev.meteo.testing.RedisTestSupport;
import dev.meteo.transport.Transport;
import dev.meteo.window.AggregatorSettings;
import dev.meteo.window.WindowAggregator;
import dev.meteo.window.WindowResultPublisher;
import dev.meteo.window.WindowSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * RabbitMQ that survives losing a node: a 3-node cluster of the test's own, the work and terminal queues quorum
 * queues replicated on all three, the whole indirect-mode pipeline connected through the node list. The node every
 * first node is killed (SIGKILL) mid-run: connections fail over to the others, the queues elect new
 * leaders, unconfirmed records are published again and unacknowledged ones delivered again. 0 lost, none counted
 * twice, windows contiguous and the same at every terminal.
 */
class RabbitClusterFailoverTest {

    private static final WindowSpec WINDOW = WindowSpec.of(Duration.ofMillis(500), Duration.ofMillis(1500));

    @TempDir
    Path dir;

    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();

    @AfterEach
    void tearDown() {
        while (!toClose.isEmpty()) {
            try {
                toClose.pop().close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        toClose.push(closeable);
        return closeable;
    }

    @Test
    void killingANodeLosesNoRecordAndCountsNoneTwice() throws Exception {
        assumeTrue(RabbitProcess.available(), "needs RabbitMQ's scripts in /usr/lib/rabbitmq/bin to start a cluster");
        List<RabbitProcess> nodes = RabbitProcess.cluster(dir, 3);
        nodes.forEach(this::closeLater);
        RabbitSettings settings = RabbitSettings.of(RabbitProcess.uri(nodes)).withNamePrefix("failover")
                .withRequeuePause(Duration.ofMillis(200));
        RedisMeteoStore store = closeLater(RedisTestSupport.freshStore());

        Transport transport = closeLater(RabbitTransport.of(settings));
        for (int i = 0; i < 2; i++) {
            ComputeNode node = closeLater(new ComputeNode(ComputeSettings.of("server-" + i), store, Clock.systemUTC()));
            closeLater(transport.startComputeServer(node)).ready().get(30, TimeUnit.SECONDS);
        }
        WindowResultPublisher publisher = closeLater(transport.openResultPublisher(store));
        List<RecordingSink> sinks = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            RecordingSink sink = new RecordingSink();
            sinks.add(sink);
            closeLater(transport.startTerminal(new Terminal("t" + i, List.of(sink)))).ready().get(30, TimeUnit.SECONDS);
        }
        WindowAggregator aggregator = closeLater(new WindowAggregator(AggregatorSettings.of(WINDOW, "proxy")
                .withLease(Duration.ofSeconds(5), Duration.ofMillis(100)), store, publisher, Clock.systemUTC()).start());
        List<Sensor> sensors = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SensorType type = i < 2 ? SensorType.AIR : SensorType.POLLUTION;
            sensors.add(closeLater(new Sensor(SensorSettings.of("s" + i, type).withInterval(Duration.ofMillis(10)),
                    closeLater(transport.openRecordPublisher("s" + i)), Clock.systemUTC()).start()));
        }
        RecordingSink reference = sinks.get(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> reference.size() >= 3);

        long killedAt = System.nanoTime();
        nodes.get(0).kill(); // amqp-client spreads connections over the list: some of them were on it
        int windowsAtKill = reference.size();
        await().atMost(Duration.ofSeconds(90)).until(() -> reference.size() >= windowsAtKill + 3);
        System.out.printf("rabbit node killed: 3 more windows after %d ms%n",
                Duration.ofNanos(System.nanoTime() - killedAt).toMillis());

        for (Sensor sensor : sensors) {
            sensor.close();
        }
        long sent = sensors.stream().mapToLong(s -> s.stats().sent()).sum();
        Accounting accounting = reference.awaitAccounted(sent, System.currentTimeMillis(), store, Duration.ofSeconds(90));
        sinks.get(1).awaitSize(reference.size(), Duration.ofSeconds(30));

        assertNull(aggregator.halted(), "the aggregator halted");
        Map<String, SensorCounts> counts = store.sensorCounts();
        for (Sensor sensor : sensors) {
            String problem = counts.getOrDefault(sensor.settings().id(), SensorCounts.NONE)
                    .check(sensor.stats().confirmed(), sensor.stats().failed());
            assertNull(problem, () -> sensor.settings().id() + ": " + problem);
            assertEquals(0, sensor.stats().failed(), "a sensor gave up on records while a node was down");
        }
        assertTrue(accounting.holds(), accounting::toString);
        List<WindowResult> results = reference.results();
        for (int i = 1; i < results.size(); i++) {
            assertEquals(results.get(i - 1).end(), results.get(i).start(), "windows not contiguous: " + results);
        }
        assertEquals(results, sinks.get(1).results());
        long storedInWindows = counts.values().stream().mapToLong(SensorCounts::stored).sum();
        assertEquals(storedInWindows, results.stream().mapToLong(WindowResult::recordCount).sum());
    }
}
