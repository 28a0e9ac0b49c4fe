package dev.meteo.grpc;

import dev.meteo.grpc.balancer.GrpcLoadBalancer;
import dev.meteo.model.Accounting;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.sensor.Sensor;
import dev.meteo.terminal.RecordingSink;
import dev.meteo.testing.Closer;
import dev.meteo.testing.RedisTestSupport;
import dev.meteo.testing.RunningPipeline;
import dev.meteo.transport.Transport;
import dev.meteo.window.WindowSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No single load balancer: two of them, both active; compute servers register with both, sensors spread their calls
 * over both. One is killed mid-run (calls in flight cut): its sensors' unconfirmed records are retried on the other,
 * the stores deduplicate what was stored before the cut. 0 lost, none counted twice, windows contiguous.
 */
class GrpcLoadBalancerFailoverTest {

    private static final WindowSpec WINDOW = WindowSpec.of(Duration.ofMillis(500), Duration.ofMillis(1500));

    private final Closer closer = new Closer();

    @AfterEach
    void tearDown() {
        closer.close();
    }

    @Test
    void killingOneOfTwoLoadBalancersLosesNoRecordAndCountsNoneTwice() throws Exception {
        GrpcTransportSettings base = GrpcTestSettings.inOneProcess();
        GrpcLoadBalancer second = closer.add(GrpcLoadBalancer.start(base.loadBalancer()));
        Transport transport = closer.add(GrpcTransport.of(
                base.withExtraBalancers(List.of(new Endpoint("127.0.0.1", second.port())))));
        RedisMeteoStore store = closer.add(RedisTestSupport.freshStore());
        RunningPipeline pipeline = closer.add(RunningPipeline.on(transport, store).window(WINDOW)
                .sensors(2, 2, Duration.ofMillis(5)).terminals(1).start());
        Transport.Running first = pipeline.loadBalancer();
        await().atMost(Duration.ofSeconds(10)).until(() -> second.liveServers().size() == 2
                && measured(first, "meteo.lb.backends.live") == 2);
        pipeline.startSensors();
        RecordingSink sink = pipeline.sinks().get(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> sink.size() >= 2
                && measured(first, "meteo.lb.records.forwarded") > 0 && second.stats().forwarded() > 0);

        first.kill();
        long forwardedByTheOtherAtKill = second.stats().forwarded();
        pipeline.awaitMoreWindows(3, Duration.ofSeconds(30));
        Accounting accounting = pipeline.stopAndDrain(sink, Duration.ofSeconds(30));

        assertTrue(second.stats().forwarded() > forwardedByTheOtherAtKill, "the surviving load balancer took over");
        assertNull(pipeline.aggregator().halted());
        pipeline.assertExactlyOnce(accounting);
        for (Sensor sensor : pipeline.allSensors()) {
            assertEquals(0, sensor.stats().failed(), sensor.settings().id() + " gave up on records");
        }
    }

    /** A part's measurement by name, summed over its tags. */
    private static double measured(Transport.Running part, String name) {
        return part.measurements().stream().filter(m -> m.name().equals(name)).mapToDouble(m -> m.value()).sum();
    }
}
