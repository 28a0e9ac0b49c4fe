package dev.meteo.rabbit;

import dev.meteo.model.Accounting;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.sensor.Sensor;
import dev.meteo.testing.Closer;
import dev.meteo.testing.RedisTestSupport;
import dev.meteo.testing.RunningPipeline;
import dev.meteo.transport.Transport;
import dev.meteo.window.WindowSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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

    private final Closer closer = new Closer();

    @AfterEach
    void tearDown() {
        closer.close();
    }

    @Test
    void killingANodeLosesNoRecordAndCountsNoneTwice() throws Exception {
        assumeTrue(RabbitProcess.available(), "needs RabbitMQ's scripts in /usr/lib/rabbitmq/bin to start a cluster");
        List<RabbitProcess> nodes = RabbitProcess.cluster(dir, 3);
        nodes.forEach(closer::add);
        RabbitSettings settings = RabbitSettings.of(RabbitProcess.uri(nodes)).withNamePrefix("failover")
                .withRequeuePause(Duration.ofMillis(200));
        RedisMeteoStore store = closer.add(RedisTestSupport.freshStore());

        Transport transport = closer.add(RabbitTransport.of(settings));
        RunningPipeline pipeline = closer.add(RunningPipeline.on(transport, store).window(WINDOW)
                .lease(Duration.ofSeconds(5), Duration.ofMillis(100)).sensors(2, 2, Duration.ofMillis(10))
                .ready(Duration.ofSeconds(30)).start());
        pipeline.startSensors();
        pipeline.awaitMoreWindows(3, Duration.ofSeconds(30));

        long killedAt = System.nanoTime();
        nodes.get(0).kill(); // amqp-client spreads connections over the list: some of them were on it
        pipeline.awaitMoreWindows(3, Duration.ofSeconds(90));
        System.out.printf("rabbit node killed: 3 more windows after %d ms%n",
                Duration.ofNanos(System.nanoTime() - killedAt).toMillis());
        Accounting accounting = pipeline.stopAndDrain(pipeline.sinks().get(0), Duration.ofSeconds(90));
        pipeline.sinks().get(1).awaitSize(pipeline.sinks().get(0).size(), Duration.ofSeconds(30));

        assertNull(pipeline.aggregator().halted(), "the aggregator halted");
        pipeline.assertExactlyOnce(accounting);
        assertEquals(pipeline.sinks().get(0).results(), pipeline.sinks().get(1).results());
        for (Sensor sensor : pipeline.allSensors()) {
            assertEquals(0, sensor.stats().failed(), sensor.settings().id() + " gave up on records while a node was down");
        }
    }
}
