package dev.meteo.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.model.Accounting;
import dev.meteo.model.Coefficient;
import dev.meteo.model.RawMeteoData;
import dev.meteo.model.RawPollutionData;
import dev.meteo.model.RecordId;
import dev.meteo.model.SensorRecord;
import dev.meteo.proto.ProtoCodec;
import dev.meteo.proto.Reading;
import dev.meteo.proto.RecordBatch;
import dev.meteo.rabbit.compute.RabbitComputeServer;
import dev.meteo.rabbit.sensor.RabbitBatchPublisher;
import dev.meteo.rabbit.sensor.RabbitBatchSettings;
import dev.meteo.rabbit.topology.RecordMessages;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.sensor.Sensor;
import dev.meteo.sensor.SensorFleet;
import dev.meteo.sensor.SensorSettings;
import dev.meteo.sensor.SensorType;
import dev.meteo.store.CoefficientStore;
import dev.meteo.store.SensorCounts;
import dev.meteo.store.StoreOutcome;
import dev.meteo.testing.Closer;
import dev.meteo.testing.RedisTestSupport;
import dev.meteo.testing.RunningPipeline;
import dev.meteo.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20, section 1: a fleet publishes batches (one persistent, confirmed message holding many records), a compute
 * server stores a batch with one group-commit write and acknowledges it once every record in it is stored, late, a
 * duplicate or rejected. An invalid record is rejected and dead-lettered alone, an undecodable batch whole; a server
 * killed mid-batch loses nothing and counts nothing twice. On the real RabbitMQ and Redis, each test under its own
 * names; the accounting is checked sensor by sensor.
 */
class RabbitFleetBatchTest {

    private static final Duration AWAIT = Duration.ofSeconds(60);

    private final Clock clock = Clock.systemUTC();
    private final Closer closer = new Closer();
    private final List<String> terminalIds = new CopyOnWriteArrayList<>();
    private RabbitSettings settings;
    private Topology topology;
    private RedisMeteoStore store;
    private Connection inspector;

    @BeforeEach
    void setUp() {
        settings = RabbitTestSupport.freshSettings();
        topology = new Topology(settings);
        store = RedisTestSupport.freshStore();
        inspector = RabbitConnections.open(settings, settings.namePrefix() + "-inspector");
    }

    @AfterEach
    void tearDown() throws Exception {
        closer.close();
        inspector.close();
        RabbitTestSupport.deleteTopology(settings, terminalIds);
        store.deleteAll();
        store.close();
    }

    /** A compute server and its node. */
    private record Server(ComputeNode node, RabbitComputeServer rabbit) {
        RabbitComputeServer.Stats stats() {
            return rabbit.stats();
        }
    }

    private Server startServer(String id, CoefficientStore on) {
        ComputeNode node = closer.add(new ComputeNode(ComputeSettings.of(id), on, clock));
        return new Server(node, closer.add(RabbitComputeServer.start(settings, node)));
    }

    private SensorFleet fleet(RabbitBatchPublisher publisher, String prefix, SensorType type, int count, Duration interval) {
        SensorSettings template = SensorSettings.of(prefix, type).withInterval(interval).withSeed(7L);
        return closer.add(new SensorFleet(SensorFleet.numbered(template, count), publisher, clock));
    }

    private void publishRaw(AMQP.BasicProperties properties, byte[] body) throws Exception {
        try (Channel channel = inspector.createChannel()) {
            channel.confirmSelect();
            channel.basicPublish("", topology.workQueue(), properties, body);
            channel.waitForConfirmsOrDie(10_000);
        }
    }

    private static double measured(Server server, String name) {
        return server.rabbit().measurements().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow().value();
    }

    private static String header(GetResponse message, String name) {
        Map<String, Object> headers = message.getProps().getHeaders();
        Object value = headers == null ? null : headers.get(name);
        return value == null ? null : value.toString();
    }

    private long confirmed(SensorFleet fleet) {
        return fleet.stats().confirmed();
    }

    private long classified(SensorFleet fleet) {
        Map<String, SensorCounts> counts = store.sensorCounts();
        return fleet.sensors().stream()
                .mapToLong(sensor -> counts.getOrDefault(sensor.settings().id(), SensorCounts.NONE).total()).sum();
    }

    /** Per sensor: every confirmed record classified once, nothing more than it sent, and no record failed. */
    private void assertEverySensorAccountedFor(SensorFleet fleet) {
        Map<String, SensorCounts> counts = store.sensorCounts();
        for (Sensor sensor : fleet.sensors()) {
            Sensor.Stats stats = sensor.stats();
            SensorCounts actual = counts.getOrDefault(sensor.settings().id(), SensorCounts.NONE);
            assertNull(actual.check(stats.confirmed(), stats.failed()), () -> sensor.settings().id() + ": "
                    + actual.check(stats.confirmed(), stats.failed()));
            assertEquals(0, stats.failed(), sensor.settings().id() + " had records fail");
            assertEquals(stats.confirmed(), actual.total(), sensor.settings().id() + ": " + actual);
        }
    }

    /** The real store, counting its writes and the records in each. */
    private static final class CountingStore implements CoefficientStore {
        final CoefficientStore delegate;
        final AtomicLong writes = new AtomicLong();
        final AtomicLong largestWrite = new AtomicLong();

        CountingStore(CoefficientStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<StoreOutcome> storeAll(List<Coefficient> coefficients) {
            writes.incrementAndGet();
            largestWrite.accumulateAndGet(coefficients.size(), Math::max);
            return delegate.storeAll(coefficients);
        }

        @Override
        public boolean recordRejected(RecordId recordId, String reason) {
            return delegate.recordRejected(recordId, reason);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aFleetPublishesBatchesThatAServerStoresWithOneWriteEachAndAcknowledgesWhole() throws Exception {
        CountingStore counting = new CountingStore(store);
        Server server = startServer("server-batches", counting);
        RabbitBatchPublisher publisher = closer.add(RabbitBatchPublisher.open(settings,
                RabbitBatchSettings.defaults().withMaxRecords(100).withLinger(Duration.ofMillis(20))));
        SensorFleet fleet = fleet(publisher, "air-batch", SensorType.AIR, 100, Duration.ofMillis(20)).start();

        await().atMost(AWAIT).until(() -> fleet.stats().sent() >= 2_000);
        fleet.close();
        await().atMost(AWAIT).until(() -> classified(fleet) == confirmed(fleet) && RabbitTestSupport.ready(inspector, topology.workQueue()) == 0);

        assertEverySensorAccountedFor(fleet);
        double batches = measured(server, "meteo.rabbit.batch.deliveries");
        double records = measured(server, "meteo.rabbit.batch.records");
        assertEquals(records, confirmed(fleet), "every record came in a batch, each once");
        assertTrue(records / batches > 1, records + " records in " + batches + " messages");
        assertTrue(counting.writes.get() <= batches, counting.writes.get() + " writes for " + batches
                + " batches: a batch is stored in one write (several batches may share one)");
        assertEquals(0, server.stats().deadLettered());
        await().atMost(AWAIT).until(() -> server.stats().acked() == server.stats().received());
    }

    private static Reading reading(SensorRecord record) {
        return ProtoCodec.reading(record);
    }

    @Test
    void anInvalidRecordInABatchIsRejectedAndDeadLetteredAloneWithItsIdentityAndTheOthersAreStored() throws Exception {
        Server server = startServer("server-invalid", store);
        Instant now = clock.instant();
        SensorRecord valid1 = new RawMeteoData("air-mixed", 1, now, 21.0, 45.0);
        SensorRecord invalid = new RawMeteoData("air-mixed", 2, now, 21.0, 150.0);
        SensorRecord valid2 = new RawPollutionData("co2-mixed", 1, now, 420);
        SensorRecord negative = new RawPollutionData("co2-mixed", 2, now, -5);
        RecordBatch batch = RecordBatch.newBuilder().addReadings(reading(valid1)).addReadings(reading(invalid))
                .addReadings(Reading.getDefaultInstance()) // a reading that carries no record
                .addReadings(reading(valid2)).addReadings(reading(negative)).build();
        AMQP.BasicProperties properties = RecordMessages.batchProperties("test-batch-1");

        publishRaw(properties, batch.toByteArray());

        await().atMost(AWAIT).until(() -> server.stats().deadLettered() == 3 && server.stats().acked() == 1);
        List<GetResponse> deadLetters = RabbitTestSupport.drain(inspector, topology.deadLetterQueue());
        assertEquals(3, deadLetters.size(), "the invalid records and the empty reading, each alone");
        Set<String> ids = new HashSet<>();
        for (GetResponse deadLetter : deadLetters) {
            ids.add(deadLetter.getProps().getMessageId());
            assertEquals("test-batch-1", header(deadLetter, RecordMessages.FROM_BATCH_HEADER));
            assertEquals("server-invalid", header(deadLetter, RecordMessages.REJECTED_BY_HEADER));
            String reason = header(deadLetter, RecordMessages.REJECT_REASON_HEADER);
            assertNotNull(reason);
            String id = deadLetter.getProps().getMessageId();
            if (id.equals(invalid.id().key())) {
                assertTrue(reason.contains("humidity"), reason);
                assertEquals(invalid, RecordMessages.decode(deadLetter.getProps(), deadLetter.getBody()));
            } else if (id.equals(negative.id().key())) {
                assertTrue(reason.contains("CO2") || reason.contains("co2"), reason);
                assertEquals(negative, RecordMessages.decode(deadLetter.getProps(), deadLetter.getBody()));
            } else {
                assertEquals("test-batch-1#2", id);
                assertTrue(reason.contains("carries no record"), reason);
            }
        }
        assertEquals(Set.of(invalid.id().key(), negative.id().key(), "test-batch-1#2"), ids);
        assertEquals(new SensorCounts(1, 0, 1), store.sensorCounts().get("air-mixed"));
        assertEquals(new SensorCounts(1, 0, 1), store.sensorCounts().get("co2-mixed"));
        assertEquals(3, store.rejectedCount());

        // the same batch again (a redelivery): dead-lettered again, counted once
        publishRaw(properties, batch.toByteArray());
        await().atMost(AWAIT).until(() -> server.stats().deadLettered() == 6 && server.stats().acked() == 2);
        assertEquals(new SensorCounts(1, 0, 1), store.sensorCounts().get("air-mixed"));
        assertEquals(new SensorCounts(1, 0, 1), store.sensorCounts().get("co2-mixed"));
        assertEquals(3, store.rejectedCount());
        assertEquals(0, RabbitTestSupport.ready(inspector, topology.workQueue()));
    }

    @Test
    void anUndecodableBatchIsDeadLetteredWholeAndCountedOnce() throws Exception {
        Server server = startServer("server-undecodable", store);
        byte[] garbage = "not a protobuf message".getBytes(StandardCharsets.UTF_8);
        AMQP.BasicProperties garbled = RecordMessages.batchProperties("garbled-batch");
        RecordBatch batch = RecordBatch.newBuilder()
                .addReadings(reading(new RawPollutionData("co2-future", 1, clock.instant(), 400))).build();
        AMQP.BasicProperties nextVersion = new AMQP.BasicProperties.Builder().messageId("version-2-batch")
                .deliveryMode(2).headers(Map.of(RecordMessages.RECORD_TYPE_HEADER, RecordMessages.BATCH,
                        RecordMessages.BATCH_VERSION_HEADER, 2)).build();

        publishRaw(garbled, garbage);
        publishRaw(nextVersion, batch.toByteArray());

        await().atMost(AWAIT).until(() -> server.stats().deadLettered() == 2 && server.stats().acked() == 2);
        List<GetResponse> deadLetters = RabbitTestSupport.drain(inspector, topology.deadLetterQueue());
        assertEquals(2, deadLetters.size());
        for (GetResponse deadLetter : deadLetters) {
            String reason = header(deadLetter, RecordMessages.REJECT_REASON_HEADER);
            if (deadLetter.getProps().getMessageId().equals("garbled-batch")) {
                assertArrayEquals(garbage, deadLetter.getBody(), "dead-lettered whole, as it came");
                assertTrue(reason.contains("not a RecordBatch"), reason);
            } else {
                assertEquals("version-2-batch", deadLetter.getProps().getMessageId());
                assertArrayEquals(batch.toByteArray(), deadLetter.getBody());
                assertTrue(reason.contains("batch version '2'"), reason);
            }
        }
        assertEquals(2, store.rejectedCount(), "each message once, not per record");
        assertEquals(SensorCounts.NONE, store.sensorCounts().getOrDefault("co2-future", SensorCounts.NONE));

        publishRaw(garbled, garbage); // the same message again: dead-lettered again, not counted again
        await().atMost(AWAIT).until(() -> server.stats().deadLettered() == 3);
        assertEquals(2, store.rejectedCount());
    }

    /** The real store, counting its writes; the first one waits until the test opens the gate. */
    private static final class GatedStore implements CoefficientStore {
        final CountingStore counting;
        final CountDownLatch gate = new CountDownLatch(1);

        GatedStore(CoefficientStore delegate) {
            this.counting = new CountingStore(delegate);
        }

        @Override
        public List<StoreOutcome> storeAll(List<Coefficient> coefficients) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return counting.storeAll(coefficients);
        }

        @Override
        public boolean recordRejected(RecordId recordId, String reason) {
            return counting.recordRejected(recordId, reason);
        }

        @Override
        public void close() {
            gate.countDown();
        }
    }

    @Test
    void aServerDecodesNoMoreRecordsOfBatchesAtOnceThanItsPrefetchHowManyBatchesTheBrokerHandsIt() throws Exception {
        int batches = 30;
        int size = 40;
        GatedStore gated = closer.add(new GatedStore(store));
        ComputeNode node = closer.add(new ComputeNode(ComputeSettings.of("server-room"), gated, clock));
        RabbitComputeServer server = closer.add(RabbitComputeServer.start(settings.withPrefetch(50), node));
        Instant detected = Instant.ofEpochMilli(1_750_000_000_000L);
        for (int b = 0; b < batches; b++) {
            RecordBatch.Builder batch = RecordBatch.newBuilder();
            for (int i = 0; i < size; i++) {
                batch.addReadings(reading(new RawPollutionData("co2-room", (long) b * size + i, detected, 400)));
            }
            publishRaw(RecordMessages.batchProperties("room-" + b), batch.build().toByteArray());
        }

        // the broker hands the server every batch (basic.qos counts messages: 30 <= 50) while its first write waits
        await().atMost(AWAIT).until(() -> server.stats().received() == batches);
        gated.gate.countDown();

        await().atMost(AWAIT).until(() -> server.stats().acked() == batches);
        assertEquals(new SensorCounts((long) batches * size, 0, 0), store.sensorCounts().get("co2-room"));
        assertTrue(gated.counting.largestWrite.get() <= 2L * size, "a write of " + gated.counting.largestWrite.get()
                + " records: more than the prefetch (50) and one batch were in process");
    }

    /**
     * The real store, except that the first write of at least {@code minimum} coefficients stores the first half of
     * them and then never returns: a server stopped in the middle of a batch, part of it stored, none acknowledged.
     */
    private static final class StoreThatHangsMidBatch implements CoefficientStore {
        final CoefficientStore delegate;
        final int minimum;
        final AtomicBoolean hung = new AtomicBoolean();
        final CountDownLatch hanging = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicLong storedOfTheBatch = new AtomicLong();

        StoreThatHangsMidBatch(CoefficientStore delegate, int minimum) {
            this.delegate = delegate;
            this.minimum = minimum;
        }

        @Override
        public List<StoreOutcome> storeAll(List<Coefficient> coefficients) {
            if (coefficients.size() < minimum || !hung.compareAndSet(false, true)) {
                return delegate.storeAll(coefficients);
            }
            List<Coefficient> half = coefficients.subList(0, coefficients.size() / 2);
            delegate.storeAll(half);
            storedOfTheBatch.set(half.size());
            hanging.countDown();
            try {
                release.await(); // half stored, nothing acknowledged: the server "crashes" here
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("the test stopped this write mid-batch");
        }

        @Override
        public boolean recordRejected(RecordId recordId, String reason) {
            return delegate.recordRejected(recordId, reason);
        }

        @Override
        public void close() {
            release.countDown();
        }
    }

    @Test
    void aServerKilledMidBatchLosesNothingAndCountsNothingTwice() throws Exception {
        StoreThatHangsMidBatch hangs = closer.add(new StoreThatHangsMidBatch(store, 10));
        ComputeNode first = closer.add(new ComputeNode(ComputeSettings.of("server-killed"), hangs, clock));
        RabbitComputeServer killed = RabbitComputeServer.start(settings.withPrefetch(4), first);
        RabbitBatchPublisher publisher = closer.add(RabbitBatchPublisher.open(settings,
                RabbitBatchSettings.defaults().withMaxRecords(50).withLinger(Duration.ofMillis(10))));
        SensorFleet fleet = fleet(publisher, "air-killed", SensorType.AIR, 60, Duration.ofMillis(20)).start();

        assertTrue(hangs.hanging.await(60, TimeUnit.SECONDS), "no batch of 10 records or more came");
        long ackedBeforeKill = killed.stats().acked();
        killed.abort(); // the connection drops with the batch half stored and unacknowledged
        Server survivor = startServer("server-survivor", store);
        long sentAtKill = fleet.stats().sent();
        await().atMost(AWAIT).until(() -> fleet.stats().sent() >= sentAtKill + 1_000);
        fleet.close();

        await().atMost(AWAIT).until(() -> classified(fleet) >= confirmed(fleet) && RabbitTestSupport.ready(inspector, topology.workQueue()) == 0
                && survivor.stats().acked() == survivor.stats().received());
        assertEverySensorAccountedFor(fleet);
        assertTrue(hangs.storedOfTheBatch.get() > 0);
        assertEquals(ackedBeforeKill, killed.stats().acked(), "the killed server acknowledged nothing after the hang");
        ComputeNode.Stats after = survivor.node().stats();
        assertTrue(after.duplicates() >= hangs.storedOfTheBatch.get(), "the records of the batch stored before the kill "
                + "came again and were recognised: " + after);
        assertEquals(0, store.rejectedCount());
        assertEquals(0, store.lateCount());
    }

    /**
     * The required drill of issue 20: a small batched fleet through the mode's own {@link Transport} (the fleet
     * publisher), two compute servers, the proxy and two terminals; one server is killed (its connection aborted,
     * nothing acknowledged) while batches are in flight; exactly once, sensor by sensor and at the terminals.
     */
    @Test
    void aBatchedFleetThroughTheTransportWithAServerKilledMidRunIsCountedExactlyOnce() throws Exception {
        Transport transport = closer.add(RabbitTransport.of(settings)
                .withFleetBatches(RabbitBatchSettings.defaults().withMaxRecords(50)));
        RunningPipeline pipeline = closer.add(RunningPipeline.on(transport, store).runId(settings.namePrefix())
                .sensors(0, 0, Duration.ofMillis(5)).servers(2).terminals(2).start());
        pipeline.terminals().forEach(terminal -> terminalIds.add(terminal.id()));
        pipeline.addFleet(SensorType.AIR, 50, Duration.ofMillis(20));
        pipeline.addFleet(SensorType.POLLUTION, 50, Duration.ofMillis(20));
        pipeline.startSensors();

        pipeline.awaitSent(1_000, AWAIT);
        Transport.Running first = pipeline.serverParts().get(0);
        await().atMost(AWAIT).until(() -> deliveries(first) > 0);
        first.kill();
        long sentAtKill = pipeline.sent();
        pipeline.awaitSent(sentAtKill + 2_000, AWAIT);
        Accounting accounting = pipeline.stopAndDrain(pipeline.sinks().get(0), AWAIT);

        pipeline.assertExactlyOnce(accounting);
        assertEquals(0, accounting.rejected());
        assertTrue(pipeline.nodes().get(1).stats().processed() > 0, "the surviving server processed nothing");
    }

    @Test
    void unconfirmedBatchesArePublishedAgainAfterTheBrokerClosesTheConnection() throws Exception {
        RabbitBatchPublisher publisher = closer.add(RabbitBatchPublisher.open(settings,
                RabbitBatchSettings.defaults().withMaxRecords(50)));
        Instant detected = Instant.ofEpochMilli(1_750_000_000_000L);
        long sent = RabbitTestSupport.publishAcrossABrokerClosedConnection(publisher, publisher.connectionName(),
                publisher::republished, sequence -> new RawPollutionData("co2-recovery", sequence, detected, 400), 2_000,
                5_000);

        Set<Long> arrived = new HashSet<>();
        for (GetResponse message : RabbitTestSupport.drain(inspector, topology.workQueue())) {
            assertTrue(RecordMessages.isBatch(message.getProps()));
            for (Reading reading : RecordMessages.decodeBatch(message.getProps(), message.getBody()).getReadingsList()) {
                arrived.add(RecordMessages.record(reading).sequence());
            }
        }
        for (long sequence = 0; sequence < sent; sequence++) {
            assertTrue(arrived.contains(sequence), "record " + sequence + " was lost");
        }
    }

    /** Record messages the server part took from the work queue (a batch is one), as it reports them. */
    private static long deliveries(Transport.Running part) {
        return (long) part.measurements().stream().filter(m -> m.name().equals("meteo.rabbit.deliveries"))
                .mapToDouble(m -> m.value()).sum();
    }
}
