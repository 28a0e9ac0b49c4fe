package dev.meteo.grpc;

import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.model.Accounting;
import dev.meteo.model.WindowResult;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;
import dev.meteo.sensor.Sensor;
import dev.meteo.sensor.SensorSettings;
import dev.meteo.sensor.SensorType;
import dev.meteo.store.SensorCounts;
import dev.meteo.terminal.RecordingSink;
import dev.meteo.terminal.Terminal;
import dev.meteo.testing.RedisProcess;
import dev.meteo.transport.Transport;
import dev.meteo.window.AggregatorSettings;
import dev.meteo.window.WindowAggregator;
import dev.meteo.window.WindowResultPublisher;
import dev.meteo.window.WindowSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

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
 * Redis that survives losing its primary: a primary, a replica and three Sentinels of the test's own; the whole
 * direct-mode pipeline runs on them through {@code redis-sentinel://}; the primary is killed (SIGKILL) mid-run. Every
 * write waits for the replica before it is acknowledged (WAIT), so the promoted replica has every acknowledged record:
 * 0 lost, none counted twice, windows contiguous, and the aggregator does not take the failover for a lost store.
 */
class RedisSentinelFailoverTest {

    private static final WindowSpec WINDOW = WindowSpec.of(Duration.ofMillis(500), Duration.ofMillis(1500));

    @TempDir
    Path dir;

    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();

    @AfterEach
    void tearDown() throws Exception {
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

    private static String primaryPort(RedisProcess sentinel) {
        try (Jedis jedis = sentinel.connect()) {
            return jedis.sentinelGetMasterAddrByName("meteo").get(1);
        }
    }

    @Test
    void killingThePrimaryLosesNoAcknowledgedRecordAndCountsNoneTwice() throws Exception {
        assumeTrue(RedisProcess.available(), "needs redis-server on the PATH to start a primary, a replica and Sentinels");
        RedisProcess primary = closeLater(RedisProcess.start(dir));
        RedisProcess replica = closeLater(RedisProcess.replicaOf(primary, dir));
        List<RedisProcess> sentinels = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sentinels.add(closeLater(RedisProcess.sentinel(dir, primary, "meteo", 2)));
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Jedis jedis = primary.connect()) {
                return jedis.info("replication").contains("state=online"); // past its first full copy: WAIT counts it
            }
        });
        String hosts = String.join(",", sentinels.stream().map(s -> "127.0.0.1:" + s.port()).toList());
        RedisMeteoStore store = closeLater(new RedisMeteoStore(
                RedisSettings.of("redis-sentinel://" + hosts + "/meteo", "failover:")));

        Transport transport = closeLater(GrpcTransport.of(GrpcTestSettings.inOneProcess()));
        closeLater(transport.startLoadBalancer());
        for (int i = 0; i < 2; i++) {
            ComputeNode node = closeLater(new ComputeNode(ComputeSettings.of("server-" + i), store, Clock.systemUTC()));
            closeLater(transport.startComputeServer(node)).ready().get(10, TimeUnit.SECONDS);
        }
        WindowResultPublisher publisher = closeLater(transport.openResultPublisher(store));
        List<RecordingSink> sinks = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            RecordingSink sink = new RecordingSink();
            sinks.add(sink);
            closeLater(transport.startTerminal(new Terminal("t" + i, List.of(sink)))).ready().get(10, TimeUnit.SECONDS);
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

        String before = primaryPort(sentinels.get(0));
        primary.kill();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> primaryPort(sentinels.get(0)).equals(String.valueOf(replica.port())));
        int windowsAtFailover = reference.size();
        await().atMost(Duration.ofSeconds(60)).until(() -> reference.size() >= windowsAtFailover + 3);

        for (Sensor sensor : sensors) {
            sensor.close();
        }
        long sent = sensors.stream().mapToLong(s -> s.stats().sent()).sum();
        Accounting accounting = reference.awaitAccounted(sent, System.currentTimeMillis(), store, Duration.ofSeconds(60));
        sinks.get(1).awaitSize(reference.size(), Duration.ofSeconds(10));

        assertEquals(String.valueOf(primary.port()), before);
        assertNull(aggregator.halted(), "the failover was taken for a lost store");
        Map<String, SensorCounts> counts = store.sensorCounts();
        for (Sensor sensor : sensors) {
            String problem = counts.getOrDefault(sensor.settings().id(), SensorCounts.NONE)
                    .check(sensor.stats().confirmed(), sensor.stats().failed());
            assertNull(problem, () -> sensor.settings().id() + ": " + problem);
            assertEquals(0, sensor.stats().failed(), "a sensor gave up on records during the failover");
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
