package dev.meteo.grpc;

import dev.meteo.compute.ComputeNode;
import dev.meteo.model.Accounting;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;
import dev.meteo.sensor.Sensor;
import dev.meteo.terminal.RecordingSink;
import dev.meteo.testing.Closer;
import dev.meteo.testing.RedisProcess;
import dev.meteo.testing.RunningPipeline;
import dev.meteo.transport.Transport;
import dev.meteo.window.WindowSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A whole direct-mode deployment on a Redis (of the test's own) that becomes full ({@code maxmemory},
 * {@code noeviction}) under load: stores are refused and the sensors retry, the proxy keeps closing windows, and once
 * memory is free again the deployment goes on by itself: every record counted once, none lost, no sensor gave up.
 */
class GrpcFullRedisTest {

    private static final WindowSpec WINDOW = WindowSpec.of(Duration.ofMillis(500), Duration.ofMillis(1500));

    @TempDir
    Path dir;

    private final Closer closer = new Closer();

    @AfterEach
    void tearDown() {
        closer.close();
    }

    @Test
    void aFullRedisHoldsRecordsBackWithoutLosingOneAndTheDeploymentRecoversByItselfWhenMemoryIsFree() throws Exception {
        assumeTrue(RedisProcess.available(), "needs redis-server on the PATH to fill a Redis of its own");
        RedisProcess redis = closer.add(RedisProcess.start(dir, "--maxmemory-policy", "noeviction"));
        RedisMeteoStore store = closer.add(new RedisMeteoStore(RedisSettings.of(redis.uri(), "full-grpc:")));
        Transport transport = closer.add(GrpcTransport.of(GrpcTestSettings.inOneProcess()));
        RunningPipeline pipeline = closer.add(RunningPipeline.on(transport, store).window(WINDOW)
                .sensors(2, 2, Duration.ofMillis(20)).terminals(1).start());
        pipeline.startSensors();
        RecordingSink sink = pipeline.sinks().get(0);
        pipeline.awaitMoreWindows(2, Duration.ofSeconds(30));

        redis.fillMemory(1024 * 1024);
        long failedBefore = failedStores(pipeline);
        long closedBefore = pipeline.aggregator().stats().windowsClosed();
        await().atMost(Duration.ofSeconds(30)).until(() -> failedStores(pipeline) > failedBefore + 20
                && pipeline.aggregator().stats().windowsClosed() >= closedBefore + 3);

        redis.freeMemory();
        pipeline.awaitMoreWindows(3, Duration.ofSeconds(30));
        Accounting accounting = pipeline.stopAndDrain(sink, Duration.ofSeconds(60));

        assertNull(pipeline.aggregator().halted());
        pipeline.assertExactlyOnce(accounting);
        for (Sensor sensor : pipeline.allSensors()) {
            assertEquals(0, sensor.stats().failed(), sensor.settings().id() + " gave up on records");
        }
    }

    private static long failedStores(RunningPipeline pipeline) {
        return pipeline.nodes().stream().map(ComputeNode::stats).mapToLong(ComputeNode.Stats::failed).sum();
    }
}
