package dev.meteo.grpc;

import dev.meteo.model.Accounting;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;
import dev.meteo.sensor.Sensor;
import dev.meteo.testing.Closer;
import dev.meteo.testing.RedisProcess;
import dev.meteo.testing.RunningPipeline;
import dev.meteo.transport.Transport;
import dev.meteo.window.WindowSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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

    private final Closer closer = new Closer();

    @AfterEach
    void tearDown() throws Exception {
        closer.close();
    }

    private static String primaryPort(RedisProcess sentinel) {
        try (Jedis jedis = sentinel.connect()) {
            return jedis.sentinelGetMasterAddrByName("meteo").get(1);
        }
    }

    @Test
    void killingThePrimaryLosesNoAcknowledgedRecordAndCountsNoneTwice() throws Exception {
        assumeTrue(RedisProcess.available(), "needs redis-server on the PATH to start a primary, a replica and Sentinels");
        RedisProcess primary = closer.add(RedisProcess.start(dir));
        RedisProcess replica = closer.add(RedisProcess.replicaOf(primary, dir));
        List<RedisProcess> sentinels = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sentinels.add(closer.add(RedisProcess.sentinel(dir, primary, "meteo", 2)));
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Jedis jedis = primary.connect()) {
                return jedis.info("replication").contains("state=online"); // past its first full copy: WAIT counts it
            }
        });
        String hosts = String.join(",", sentinels.stream().map(s -> "127.0.0.1:" + s.port()).toList());
        RedisMeteoStore store = closer.add(new RedisMeteoStore(
                RedisSettings.of("redis-sentinel://" + hosts + "/meteo", "failover:")));

        Transport transport = closer.add(GrpcTransport.of(GrpcTestSettings.inOneProcess()));
        RunningPipeline pipeline = closer.add(RunningPipeline.on(transport, store).window(WINDOW)
                .lease(Duration.ofSeconds(5), Duration.ofMillis(100)).sensors(2, 2, Duration.ofMillis(10)).start());
        pipeline.startSensors();
        pipeline.awaitMoreWindows(3, Duration.ofSeconds(30));

        String before = primaryPort(sentinels.get(0));
        primary.kill();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> primaryPort(sentinels.get(0)).equals(String.valueOf(replica.port())));
        pipeline.awaitMoreWindows(3, Duration.ofSeconds(60));
        Accounting accounting = pipeline.stopAndDrain(pipeline.sinks().get(0), Duration.ofSeconds(60));
        pipeline.sinks().get(1).awaitSize(pipeline.sinks().get(0).size(), Duration.ofSeconds(10));

        assertEquals(String.valueOf(primary.port()), before);
        assertNull(pipeline.aggregator().halted(), "the failover was taken for a lost store");
        pipeline.assertExactlyOnce(accounting);
        assertEquals(pipeline.sinks().get(0).results(), pipeline.sinks().get(1).results());
        for (Sensor sensor : pipeline.allSensors()) {
            assertEquals(0, sensor.stats().failed(), sensor.settings().id() + " gave up on records during the failover");
        }
    }
}
