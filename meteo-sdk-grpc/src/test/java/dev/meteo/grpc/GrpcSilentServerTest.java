package dev.meteo.grpc;

import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.grpc.balancer.GrpcLoadBalancer;
import dev.meteo.grpc.balancer.LoadBalancerSettings;
import dev.meteo.grpc.compute.GrpcComputeServer;
import dev.meteo.grpc.sensor.GrpcRecordPublisher;
import dev.meteo.grpc.sensor.RecordPublisherSettings;
import dev.meteo.model.RawMeteoData;
import dev.meteo.model.RawPollutionData;
import dev.meteo.model.SensorRecord;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.testing.Closer;
import dev.meteo.testing.RedisTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A compute server that falls silent (its connection open, nothing answered, nothing refused: a host whose link is
 * down), reached through a {@link FreezableRelay}. Attempt and sensor deadlines are 10 minutes here, so only the load
 * balancer's silence check can free the records it holds: they are retried on the other server, the silent one leaves
 * the rotation, and it comes back once it answers again.
 */
class GrpcSilentServerTest {

    private static final Duration NEVER = Duration.ofMinutes(10);

    private final Clock clock = Clock.systemUTC();
    private final Closer closer = new Closer();
    private final RedisMeteoStore store = RedisTestSupport.freshStore();

    @AfterEach
    void tearDown() throws Exception {
        closer.close();
        store.deleteAll();
        store.close();
    }

    @Test
    void recordsHeldByASilentServerAreRetriedOnAnotherAndItReturnsOnceItAnswers() throws Exception {
        ComputeNode quiet = closer.add(new ComputeNode(ComputeSettings.of("quiet"), store, clock));
        ComputeNode other = closer.add(new ComputeNode(ComputeSettings.of("other"), store, clock));
        GrpcComputeServer quietServer = closer.add(GrpcComputeServer.start(GrpcTestSettings.computeSettings(), quiet));
        GrpcComputeServer otherServer = closer.add(GrpcComputeServer.start(GrpcTestSettings.computeSettings(), other));
        FreezableRelay link = closer.add(FreezableRelay.to(quietServer.endpoint()));
        GrpcLoadBalancer balancer = closer.add(GrpcLoadBalancer.start(LoadBalancerSettings.defaults()
                .withStaticServers(List.of(link.endpoint(), otherServer.endpoint()))
                .withHealthCheckInterval(GrpcTestSettings.HEALTH_CHECK).withAttemptDeadline(NEVER)
                .withShutdownGrace(Duration.ofSeconds(1))));
        GrpcRecordPublisher publisher = closer.add(GrpcRecordPublisher.open(RecordPublisherSettings.of(
                new Endpoint("127.0.0.1", balancer.port())).withCallDeadline(NEVER)));
        sendAll(publisher, records("before", 20));
        assertTrue(quiet.stats().processed() > 0, "the quiet server took records while it answered");

        link.freeze();
        long otherBefore = other.stats().processed();
        sendAll(publisher, records("silent", 40)); // those sent to the silent server wait until it is found silent

        assertEquals(40, other.stats().processed() - otherBefore, "every record of the silence stored by the other server");
        GrpcLoadBalancer.BackendStatus silent = backend(balancer, link.endpoint());
        assertTrue(!silent.live() && silent.problem().startsWith("silent for"), "out of rotation: " + silent);

        link.thaw();
        await().atMost(Duration.ofSeconds(30)).until(() -> backend(balancer, link.endpoint()).live());
        long quietBefore = quiet.stats().processed();
        sendAll(publisher, records("after", 20));
        assertTrue(quiet.stats().processed() > quietBefore, "back in the rotation, it gets records again");
    }

    private static GrpcLoadBalancer.BackendStatus backend(GrpcLoadBalancer balancer, Endpoint endpoint) {
        return balancer.backends().stream().filter(backend -> backend.address().equals(endpoint.toString()))
                .findFirst().orElseThrow();
    }

    private List<SensorRecord> records(String sensorId, int count) {
        Instant now = clock.instant();
        List<SensorRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(i % 2 == 0 ? new RawMeteoData(sensorId, i, now, 20.0, 50.0) : new RawPollutionData(sensorId, i, now, 420));
        }
        return records;
    }

    private static void sendAll(GrpcRecordPublisher publisher, List<SensorRecord> records) throws Exception {
        CompletableFuture.allOf(records.stream().map(publisher::publish).toArray(CompletableFuture[]::new))
                .get(60, TimeUnit.SECONDS);
    }
}
