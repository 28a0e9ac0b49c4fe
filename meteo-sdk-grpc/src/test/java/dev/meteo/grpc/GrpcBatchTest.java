package dev.meteo.grpc;

import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.formula.ProcessingDelay;
import dev.meteo.grpc.balancer.GrpcLoadBalancer;
import dev.meteo.grpc.balancer.LoadBalancerSettings;
import dev.meteo.grpc.compute.GrpcComputeServer;
import dev.meteo.grpc.internal.Batches;
import dev.meteo.grpc.internal.GrpcServers;
import dev.meteo.grpc.proto.BatchReply;
import dev.meteo.grpc.proto.LoadBalancerGrpc;
import dev.meteo.proto.Reading;
import dev.meteo.proto.RecordBatch;
import dev.meteo.grpc.proto.RecordOutcome;
import dev.meteo.grpc.proto.StoreOutcome;
import dev.meteo.grpc.sensor.GrpcBatchPublisher;
import dev.meteo.grpc.sensor.RecordBatchSettings;
import dev.meteo.grpc.sensor.RecordPublisherSettings;
import dev.meteo.model.InvalidRecordException;
import dev.meteo.model.RawMeteoData;
import dev.meteo.model.RawPollutionData;
import dev.meteo.model.SensorRecord;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.store.SensorCounts;
import dev.meteo.testing.Closer;
import dev.meteo.testing.RedisTestSupport;
import com.google.protobuf.Timestamp;
import dev.meteo.proto.ProtoCodec;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batched path of direct mode over real sockets and the real Redis: a sensor process's batch goes through the
 * load balancer to one server, and every record of it comes back with its own outcome, once stored.
 */
class GrpcBatchTest {

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

    private GrpcLoadBalancer balancer() {
        return closer.add(GrpcLoadBalancer.start(LoadBalancerSettings.defaults()
                .withHealthCheckInterval(GrpcTestSettings.HEALTH_CHECK).withShutdownGrace(Duration.ofSeconds(1))));
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

    private GrpcBatchPublisher publisher(GrpcLoadBalancer balancer, RecordBatchSettings batching) {
        return closer.add(GrpcBatchPublisher.open(RecordPublisherSettings.of(endpoint(balancer))
                .withBackoff(Duration.ofMillis(20), Duration.ofMillis(200)), batching));
    }

    @Test
    void eachRecordOfABatchComesBackWithItsOwnOutcome() throws Exception {
        GrpcLoadBalancer balancer = balancer();
        registeredServer(closer.add(new ComputeNode(ComputeSettings.of("a"), store, clock)), balancer);
        long now = clock.millis();
        long horizon = Math.floorDiv(now - 10_000, 1_000) * 1_000;
        store.initialiseHorizon(horizon, 1_000, 0, Long.MIN_VALUE); // records detected before it are late
        Instant at = Instant.ofEpochMilli(now);
        RawMeteoData air = new RawMeteoData("air-b", 1, at, 21.0, 45.0);
        List<Reading> readings = List.of(
                Batches.reading(air),
                Batches.reading(new RawPollutionData("co2-b", 1, at, 420)),
                Batches.reading(new RawMeteoData("air-b", 2, at, 21.0, 150.0)),
                Batches.reading(air),
                Batches.reading(new RawMeteoData("air-b", 3, Instant.ofEpochMilli(horizon - 60_000), 21.0, 45.0)),
                Reading.getDefaultInstance());

        ManagedChannel channel = GrpcServers.channel(endpoint(balancer), GrpcTlsSettings.plaintext());
        closer.add(channel::shutdownNow);
        BatchReply reply = LoadBalancerGrpc.newBlockingStub(channel)
                .sendBatch(RecordBatch.newBuilder().addAllReadings(readings).build());

        List<StoreOutcome> outcomes = reply.getOutcomesList().stream().map(RecordOutcome::getOutcome).toList();
        assertEquals(List.of(StoreOutcome.STORE_OUTCOME_STORED, StoreOutcome.STORE_OUTCOME_STORED,
                StoreOutcome.STORE_OUTCOME_REJECTED, StoreOutcome.STORE_OUTCOME_DUPLICATE, StoreOutcome.STORE_OUTCOME_LATE,
                StoreOutcome.STORE_OUTCOME_REJECTED), outcomes);
        assertEquals("humidity 150.0 % is outside 0..100 %", reply.getOutcomes(2).getRejection());
        assertTrue(reply.getOutcomes(5).getRejection().contains("no record"), reply.getOutcomes(5).getRejection());
        assertTrue(reply.getOutcomes(0).hasCoefficient());
        assertFalse(reply.getOutcomes(2).hasCoefficient());
        assertEquals(new SensorCounts(1, 1, 1), store.sensorCounts().get("air-b"));
        assertEquals(new SensorCounts(1, 0, 0), store.sensorCounts().get("co2-b"));
    }

    /**
     * Issue 18: seconds = 2^62 threw while decoding (the whole batch failed UNKNOWN, retried on every server, then by
     * the sensor for 2 minutes); seconds = -10^16 passed the validator and failed the store's group commit of every
     * other sensor's record in it. Now each is rejected alone with its reason, and counted once.
     */
    @Test
    void aRecordWhoseDetectionTimeNoInstantOrEpochMillisecondCanHoldIsRejectedAloneAndTheRestOfItsBatchStored()
            throws Exception {
        GrpcLoadBalancer balancer = balancer();
        registeredServer(closer.add(new ComputeNode(ComputeSettings.of("a"), store, clock)), balancer);
        Instant at = clock.instant();
        dev.meteo.proto.RawMeteoData beyondInstant = ProtoCodec.toProto(new RawMeteoData("air-x", 1, at, 21.0, 45.0))
                .toBuilder().setDetectedAt(Timestamp.newBuilder().setSeconds(1L << 62)).build();
        dev.meteo.proto.RawPollutionData beyondEpochMillis = ProtoCodec.toProto(new RawPollutionData("co2-x", 1, at, 420))
                .toBuilder().setDetectedAt(Timestamp.newBuilder().setSeconds(-10_000_000_000_000_000L)).build();
        List<Reading> readings = List.of(
                Batches.reading(new RawMeteoData("air-ok", 1, at, 21.0, 45.0)),
                Reading.newBuilder().setAir(beyondInstant).build(),
                Batches.reading(new RawPollutionData("co2-ok", 1, at, 420)),
                Reading.newBuilder().setPollution(beyondEpochMillis).build(),
                Batches.reading(new RawMeteoData("air-ok", 2, at, 21.0, 45.0)));

        ManagedChannel channel = GrpcServers.channel(endpoint(balancer), GrpcTlsSettings.plaintext());
        closer.add(channel::shutdownNow);
        LoadBalancerGrpc.LoadBalancerBlockingStub stub = LoadBalancerGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        BatchReply reply = stub.sendBatch(RecordBatch.newBuilder().addAllReadings(readings).build());

        assertEquals(List.of(StoreOutcome.STORE_OUTCOME_STORED, StoreOutcome.STORE_OUTCOME_REJECTED,
                StoreOutcome.STORE_OUTCOME_STORED, StoreOutcome.STORE_OUTCOME_REJECTED, StoreOutcome.STORE_OUTCOME_STORED),
                reply.getOutcomesList().stream().map(RecordOutcome::getOutcome).toList());
        assertTrue(reply.getOutcomes(1).getRejection().contains("in the future"), reply.getOutcomes(1).getRejection());
        assertTrue(reply.getOutcomes(3).getRejection().contains("before 2000-01-01T00:00:00Z"),
                reply.getOutcomes(3).getRejection());
        assertEquals(new SensorCounts(2, 0, 0), store.sensorCounts().get("air-ok"));
        assertEquals(new SensorCounts(1, 0, 0), store.sensorCounts().get("co2-ok"));

        // alone in a call: INVALID_ARGUMENT with the reason (not retried), and not counted a second time
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> stub.sendMeteoData(beyondInstant));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
        assertTrue(refused.getStatus().getDescription().contains("in the future"), refused.getStatus().getDescription());
        assertEquals(0, balancer.stats().retried());
        assertEquals(new SensorCounts(0, 0, 1), store.sensorCounts().get("air-x"));
        assertEquals(new SensorCounts(0, 0, 1), store.sensorCounts().get("co2-x"));
        assertEquals(2, store.rejectedCount());
    }

    @Test
    void thePublisherCompletesEachRecordFromItsOutcomeAndManyRecordsShareACall() throws Exception {
        GrpcLoadBalancer balancer = balancer();
        ComputeNode node = closer.add(new ComputeNode(ComputeSettings.of("a"), store, clock));
        registeredServer(node, balancer);
        GrpcBatchPublisher publisher = publisher(balancer, RecordBatchSettings.defaults().withLinger(Duration.ofMillis(50)));

        Instant now = clock.instant();
        List<CompletableFuture<Void>> valid = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            valid.add(publisher.publish(new RawMeteoData("air-p", i, now, 20.0, 50.0)));
        }
        CompletableFuture<Void> invalid = publisher.publish(new RawPollutionData("co2-p", 1, now, -3));
        CompletableFuture.allOf(valid.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        ExecutionException failure = assertThrows(ExecutionException.class, () -> invalid.get(30, TimeUnit.SECONDS));
        InvalidRecordException rejected = assertInstanceOf(InvalidRecordException.class, failure.getCause());
        assertEquals("CO2 -3 ppm is negative", rejected.getMessage());
        GrpcBatchPublisher.Stats stats = publisher.stats();
        assertEquals(200, stats.confirmed());
        assertEquals(1, stats.failed());
        assertTrue(stats.batches() < 201 / 2, "201 records in " + stats.batches() + " calls");
        assertEquals(200, node.stats().stored());
        assertEquals(1, store.rejectedCount());
    }

    @Test
    void aServerKilledWithBatchesInFlightLosesNothingAndCountsNothingTwice() throws Exception {
        GrpcLoadBalancer balancer = balancer();
        // the delay keeps records of every batch in the servers when one of them is killed
        ComputeSettings slow = ComputeSettings.of("victim").withDelay(new ProcessingDelay(Duration.ofMillis(100),
                Duration.ofMillis(300)));
        ComputeNode victim = new ComputeNode(slow, store, clock);
        GrpcComputeServer victimServer = registeredServer(victim, balancer);
        ComputeNode survivor = closer.add(new ComputeNode(ComputeSettings.of("survivor").withDelay(slow.delay()), store, clock));
        registeredServer(survivor, balancer);
        GrpcBatchPublisher publisher = publisher(balancer, RecordBatchSettings.defaults().withMaxRecords(50));

        List<SensorRecord> records = new ArrayList<>();
        Instant now = clock.instant();
        for (int i = 0; i < 2_000; i++) {
            String sensor = "air-k" + (i % 20);
            records.add(new RawMeteoData(sensor, i, now, 20.0, 50.0));
        }
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (SensorRecord record : records.subList(0, 1_000)) {
            futures.add(publisher.publish(record));
        }
        await().atMost(AWAIT).until(() -> victim.stats().processed() > 0);
        victimServer.closeNow(); // calls cut as by a crash; the node's timers die with it
        victim.close();
        for (SensorRecord record : records.subList(1_000, records.size())) {
            futures.add(publisher.publish(record));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        assertEquals(2_000, publisher.stats().confirmed());
        assertEquals(0, publisher.stats().failed());
        assertTrue(balancer.stats().retried() > 0, "the kill hit no batch in flight");
        Map<String, SensorCounts> counts = store.sensorCounts();
        for (int s = 0; s < 20; s++) {
            assertEquals(new SensorCounts(100, 0, 0), counts.get("air-k" + s), "sensor air-k" + s);
        }
    }
}
