package dev.meteo.grpc;

import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.testing.Closer;
import dev.meteo.testing.RedisTestSupport;
import dev.meteo.grpc.balancer.GrpcLoadBalancer;
import dev.meteo.grpc.balancer.LoadBalancerSettings;
import dev.meteo.grpc.compute.GrpcComputeServer;
import dev.meteo.grpc.sensor.GrpcRecordPublisher;
import dev.meteo.grpc.sensor.RecordPublisherSettings;
import dev.meteo.grpc.Endpoint;
import dev.meteo.model.RawMeteoData;
import dev.meteo.redis.RedisMeteoStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sensor's client of the load balancer: retries while it is unreachable, and a bounded buffer. */
class GrpcRecordPublisherTest {

    private final Clock clock = Clock.systemUTC();
    private final Closer closer = new Closer();
    private RedisMeteoStore store;

    @BeforeEach
    void setUp() {
        store = RedisTestSupport.freshStore();
    }

    @AfterEach
    void tearDown() throws Exception {
        closer.close();
        store.deleteAll();
        store.close();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private RawMeteoData record(long sequence) {
        return new RawMeteoData("air-publisher", sequence, clock.instant(), 20.0, 50.0);
    }

    @Test
    void recordsWaitWhileTheLoadBalancerIsDownAndAreStoredOnceItComesUp() throws Exception {
        int port = freePort();
        GrpcRecordPublisher publisher = closer.add(GrpcRecordPublisher.open(RecordPublisherSettings
                .of(new Endpoint("127.0.0.1", port)).withBackoff(Duration.ofMillis(20), Duration.ofMillis(200))));
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            pending.add(publisher.publish(record(i)));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> publisher.stats().retried() >= 5);
        assertTrue(pending.stream().noneMatch(CompletableFuture::isDone), "a record was given up while the LB was down");

        GrpcLoadBalancer balancer = closer.add(GrpcLoadBalancer.start(LoadBalancerSettings.defaults().withPort(port)
                .withShutdownGrace(Duration.ofSeconds(1))));
        ComputeNode node = closer.add(new ComputeNode(ComputeSettings.of("a"), store, clock));
        closer.add(GrpcComputeServer.start(GrpcTestSettings.computeSettings().withBalancer(new Endpoint("127.0.0.1", balancer.port())), node))
                .registered().get(10, TimeUnit.SECONDS);

        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertEquals(5, node.stats().processed());
    }

    @Test
    void whenTheBufferIsFullANewRecordFailsAtOnceWithoutBeingSent() throws Exception {
        GrpcRecordPublisher publisher = closer.add(GrpcRecordPublisher.open(RecordPublisherSettings
                .of(new Endpoint("127.0.0.1", freePort())).withMaxBuffered(2)));
        CompletableFuture<Void> first = publisher.publish(record(1));
        CompletableFuture<Void> second = publisher.publish(record(2));

        CompletableFuture<Void> third = publisher.publish(record(3));

        ExecutionException failure = assertThrows(ExecutionException.class, () -> third.get(1, TimeUnit.SECONDS));
        assertInstanceOf(RejectedExecutionException.class, failure.getCause());
        assertFalse(first.isDone() || second.isDone(), "the buffered records were dropped");
    }
}
