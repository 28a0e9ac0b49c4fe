package dev.meteo.grpc;

import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.grpc.Endpoint;
import dev.meteo.grpc.balancer.GrpcLoadBalancer;
import dev.meteo.grpc.balancer.LoadBalancerSettings;
import dev.meteo.grpc.compute.GrpcComputeServer;
import dev.meteo.grpc.internal.GrpcServers;
import dev.meteo.grpc.proto.LoadBalancerGrpc;
import dev.meteo.grpc.proto.Registration;
import dev.meteo.grpc.sensor.GrpcRecordPublisher;
import dev.meteo.grpc.sensor.RecordPublisherSettings;
import dev.meteo.model.InvalidRecordException;
import dev.meteo.model.RawMeteoData;
import dev.meteo.model.RawPollutionData;
import dev.meteo.model.SensorRecord;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.testing.Closer;
import dev.meteo.testing.RedisTestSupport;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The load balancer over real sockets: round-robin, invalid records, leases, health checks, the static list. */
class GrpcLoadBalancerTest {

    private static final Duration AWAIT = Duration.ofSeconds(30);

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

    private GrpcLoadBalancer balancer(LoadBalancerSettings settings) {
        return closer.add(GrpcLoadBalancer.start(settings.withHealthCheckInterval(GrpcTestSettings.HEALTH_CHECK)
                .withShutdownGrace(Duration.ofSeconds(1))));
    }

    private ComputeNode node(String id) {
        return closer.add(new ComputeNode(ComputeSettings.of(id), store, clock));
    }

    private GrpcComputeServer registeredServer(ComputeNode node, GrpcLoadBalancer balancer) throws Exception {
        GrpcComputeServer server = closer.add(GrpcComputeServer.start(
                GrpcTestSettings.computeSettings().withBalancer(endpoint(balancer)), node));
        server.registered().get(10, TimeUnit.SECONDS);
        return server;
    }

    private static Endpoint endpoint(GrpcLoadBalancer balancer) {
        return new Endpoint("127.0.0.1", balancer.port());
    }

    private GrpcRecordPublisher publisher(GrpcLoadBalancer balancer) {
        return closer.add(GrpcRecordPublisher.open(RecordPublisherSettings.of(endpoint(balancer))));
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
                .get(30, TimeUnit.SECONDS);
    }

    @Test
    void roundRobinGivesEachOfThreeServersAThirdOfTheRecords() throws Exception {
        GrpcLoadBalancer balancer = balancer(LoadBalancerSettings.defaults());
        List<ComputeNode> nodes = List.of(node("a"), node("b"), node("c"));
        for (ComputeNode node : nodes) {
            registeredServer(node, balancer);
        }
        sendAll(publisher(balancer), records("air-rr", 300));

        for (ComputeNode node : nodes) {
            long processed = node.stats().processed();
            assertTrue(processed >= 90 && processed <= 110, node.settings().id() + " processed " + processed + " of 300");
        }
        assertEquals(300, nodes.stream().mapToLong(node -> node.stats().processed()).sum());

        // what meteo status and the metrics see: three live servers and the calls each took
        List<GrpcLoadBalancer.BackendStatus> listed = Registries.servers(endpoint(balancer), GrpcTlsSettings.plaintext(), AWAIT);
        assertEquals(3, listed.size(), listed.toString());
        assertTrue(listed.stream().allMatch(GrpcLoadBalancer.BackendStatus::live), listed.toString());
        assertEquals(java.util.Set.of("a", "b", "c"), listed.stream().map(GrpcLoadBalancer.BackendStatus::id)
                .collect(java.util.stream.Collectors.toSet()));
        assertEquals(300, listed.stream().mapToLong(GrpcLoadBalancer.BackendStatus::calls).sum());
        List<dev.meteo.metrics.Measurement> measured = balancer.measurements();
        assertEquals(300, measured.stream().filter(m -> m.name().equals("meteo.lb.backend.calls"))
                .mapToDouble(dev.meteo.metrics.Measurement::value).sum());
        assertEquals(3, measured.stream().filter(m -> m.name().equals("meteo.lb.backend.calls")).count());
        assertEquals(300, value(measured, "meteo.lb.records.forwarded"));
        assertEquals(3, value(measured, "meteo.lb.backends.live"));
    }

    private static double value(List<dev.meteo.metrics.Measurement> measurements, String name) {
        return measurements.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + measurements)).value();
    }

    @Test
    void anInvalidRecordFailsTheSensorsFutureWithTheServersReasonAndIsCountedAsRejected() throws Exception {
        GrpcLoadBalancer balancer = balancer(LoadBalancerSettings.defaults());
        registeredServer(node("a"), balancer);
        GrpcRecordPublisher publisher = publisher(balancer);

        ExecutionException failure = assertThrows(ExecutionException.class, () -> publisher
                .publish(new RawPollutionData("pollution-bad", 1, clock.instant(), -3)).get(30, TimeUnit.SECONDS));

        InvalidRecordException invalid = assertInstanceOf(InvalidRecordException.class, failure.getCause());
        assertEquals("CO2 -3 ppm is negative", invalid.getMessage());
        assertEquals(1, store.rejectedCount());
        sendAll(publisher, records("air-after", 4)); // the server keeps serving
    }

    @Test
    void aServerThatStopsRenewingItsLeaseIsDroppedAndComesBackWhenItRegistersAgain() throws Exception {
        GrpcLoadBalancer balancer = balancer(LoadBalancerSettings.defaults().withServerLease(Duration.ofMillis(600)));
        // a healthy server that registers only when told to: its lease, not its health, decides
        GrpcComputeServer server = closer.add(GrpcComputeServer.start(GrpcTestSettings.computeSettings(), node("a")));
        ManagedChannel channel = GrpcServers.channel(endpoint(balancer), GrpcTlsSettings.plaintext());
        closer.add(channel::shutdownNow);
        LoadBalancerGrpc.LoadBalancerBlockingStub registrar = LoadBalancerGrpc.newBlockingStub(channel);
        Registration registration = Registration.newBuilder().setId("a").setAddress(server.endpoint().toString()).build();

        registrar.registerServer(registration);
        assertEquals(List.of(server.endpoint().toString()), balancer.liveServers());

        await().atMost(AWAIT).until(() -> balancer.liveServers().isEmpty());
        assertEquals(1, value(balancer.measurements(), "meteo.lb.backends.dropped"));

        registrar.registerServer(registration);
        assertEquals(List.of(server.endpoint().toString()), balancer.liveServers());
    }

    @Test
    void aServerFailingItsHealthCheckLeavesTheRotationAndReturnsWhenHealthyAgain() throws Exception {
        GrpcLoadBalancer balancer = balancer(LoadBalancerSettings.defaults());
        ComputeNode sick = node("sick");
        ComputeNode well = node("well");
        GrpcComputeServer sickServer = registeredServer(sick, balancer);
        registeredServer(well, balancer);
        GrpcRecordPublisher publisher = publisher(balancer);

        sickServer.setServing(false);
        await().atMost(AWAIT).until(() -> !balancer.liveServers().contains(sickServer.endpoint().toString()));
        long sickBefore = sick.stats().processed();
        sendAll(publisher, records("air-health", 20));
        assertEquals(sickBefore, sick.stats().processed(), "a server out of rotation received records");

        sickServer.setServing(true);
        await().atMost(AWAIT).until(() -> balancer.liveServers().contains(sickServer.endpoint().toString()));
        sendAll(publisher, records("air-healthy-again", 20));
        assertTrue(sick.stats().processed() > sickBefore, "the server back in rotation received nothing");
    }

    @Test
    void serversListedInAStaticFileReceiveRecordsWithoutRegistering(@TempDir Path dir) throws Exception {
        ComputeNode first = node("first");
        ComputeNode second = node("second");
        GrpcComputeServer firstServer = closer.add(GrpcComputeServer.start(GrpcTestSettings.computeSettings(), first));
        GrpcComputeServer secondServer = closer.add(GrpcComputeServer.start(GrpcTestSettings.computeSettings(), second));
        Path file = Files.writeString(dir.resolve("servers.txt"), "# compute servers\n" + firstServer.endpoint()
                + "\n\n  " + secondServer.endpoint() + "  \n");

        GrpcLoadBalancer balancer = balancer(LoadBalancerSettings.defaults().withStaticServersFrom(file));
        assertEquals(2, balancer.liveServers().size());
        sendAll(publisher(balancer), records("air-static", 40));

        assertEquals(20, first.stats().processed());
        assertEquals(20, second.stats().processed());
    }

    @Test
    void withEveryServerGoneTheSensorIsToldUnavailableAndRetriesUntilOneRegisters() throws Exception {
        GrpcLoadBalancer balancer = balancer(LoadBalancerSettings.defaults());
        GrpcRecordPublisher publisher = publisher(balancer);
        CompletableFuture<Void> pending = publisher.publish(new RawMeteoData("air-wait", 1, clock.instant(), 20.0, 50.0));

        await().atMost(AWAIT).until(() -> publisher.stats().retried() > 0);
        assertTrue(!pending.isDone(), "the record was given up while the load balancer had no server");
        ComputeNode late = node("late");
        registeredServer(late, balancer);

        pending.get(30, TimeUnit.SECONDS);
        assertEquals(1, late.stats().processed());
    }
}
