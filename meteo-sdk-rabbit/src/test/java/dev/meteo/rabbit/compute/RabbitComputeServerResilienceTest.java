package dev.meteo.rabbit.compute;

import com.google.protobuf.Timestamp;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.model.RawMeteoData;
import dev.meteo.model.RawPollutionData;
import dev.meteo.model.SensorRecord;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.RabbitTestSupport;
import dev.meteo.rabbit.sensor.RabbitRecordPublisher;
import dev.meteo.rabbit.topology.RecordMessages;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.store.SensorCounts;
import dev.meteo.testing.Closer;
import dev.meteo.testing.RedisTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No input and no exception stops a compute server from consuming (issue 18, section 3), on the real RabbitMQ and
 * Redis: a detection time no {@code Instant} or epoch millisecond can hold is dead-lettered once with its reason; a
 * delivery whose handling throws is handed back once and stored once; an error thrown through the consumer callback,
 * a channel closed by the broker and a consumer cancelled by the broker are followed by consuming on a new channel.
 * Each test checks the accounting per sensor: every record stored once, nothing counted twice.
 */
class RabbitComputeServerResilienceTest {

    private static final Duration AWAIT = Duration.ofSeconds(60);
    private static final int RECORDS = 40;

    private final Clock clock = Clock.systemUTC();
    private final Closer closer = new Closer();
    private RabbitSettings settings;
    private Topology topology;
    private RedisMeteoStore store;
    private Connection inspector;

    @BeforeEach
    void setUp() {
        // a small prefetch, so that records are still in the queue (and in flight) when the failure comes
        settings = RabbitTestSupport.freshSettings().withPrefetch(8);
        topology = new Topology(settings);
        store = RedisTestSupport.freshStore();
        inspector = RabbitConnections.open(settings, settings.namePrefix() + "-inspector");
    }

    @AfterEach
    void tearDown() throws Exception {
        closer.close();
        inspector.close();
        RabbitTestSupport.deleteTopology(settings, List.of());
        store.deleteAll();
        store.close();
    }

    private RabbitComputeServer startServer(String id, Predicate<Delivery> failHandling, Error escaping) {
        ComputeNode node = closer.add(new ComputeNode(ComputeSettings.of(id), store, clock));
        RabbitComputeServer server = closer.add(RabbitComputeServer.start(settings, node));
        server.beforeHandling = delivery -> {
            if (failHandling.test(delivery)) {
                if (escaping != null) {
                    throw escaping;
                }
                throw new IllegalStateException("injected handling failure of " + delivery.getProperties().getMessageId());
            }
        };
        return server;
    }

    private RabbitComputeServer startServer(String id) {
        return startServer(id, delivery -> false, null);
    }

    private void publishAll(RabbitRecordPublisher publisher, String sensorId, int from, int to) throws Exception {
        List<CompletableFuture<Void>> confirmed = new ArrayList<>();
        for (int sequence = from; sequence < to; sequence++) {
            confirmed.add(publisher.publish(sequence % 2 == 0
                    ? new RawMeteoData(sensorId, sequence, clock.instant(), 21.0, 45.0)
                    : new RawPollutionData(sensorId, sequence, clock.instant(), 420)));
        }
        CompletableFuture.allOf(confirmed.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    }

    /** A record's message whose detection time is {@code seconds} since the epoch, as a sensor cannot make it. */
    private void publishWithDetectionSeconds(SensorRecord record, long seconds) throws Exception {
        byte[] body = record instanceof RawMeteoData air
                ? dev.meteo.proto.RawMeteoData.newBuilder().setSensorId(air.sensorId()).setSequence(air.sequence())
                        .setDetectedAt(Timestamp.newBuilder().setSeconds(seconds))
                        .setTemperature(air.temperature()).setHumidity(air.humidity()).build().toByteArray()
                : dev.meteo.proto.RawPollutionData.newBuilder().setSensorId(record.sensorId())
                        .setSequence(record.sequence()).setDetectedAt(Timestamp.newBuilder().setSeconds(seconds))
                        .setCo2(((RawPollutionData) record).co2()).build().toByteArray();
        try (Channel channel = inspector.createChannel()) {
            channel.confirmSelect();
            channel.basicPublish("", topology.workQueue(), RecordMessages.properties(record), body);
            channel.waitForConfirmsOrDie(10_000);
        }
    }

    private static String reasonOf(GetResponse deadLetter) {
        Object reason = deadLetter.getProps().getHeaders().get(RecordMessages.REJECT_REASON_HEADER);
        assertNotNull(reason, "a dead letter without a reason");
        return reason.toString();
    }

    private static double measured(RabbitComputeServer server, String name) {
        return server.measurements().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow().value();
    }

    private long stored(String sensorId) {
        return store.sensorCounts().getOrDefault(sensorId, SensorCounts.NONE).stored();
    }

    @Test
    void detectionTimesNoInstantOrEpochMillisecondCanHoldAreDeadLetteredOnceWithTheReasonAndTheOthersStored()
            throws Exception {
        RabbitComputeServer server = startServer("server-extreme");
        RabbitRecordPublisher publisher = closer.add(RabbitRecordPublisher.open(settings));
        Instant now = clock.instant();
        SensorRecord beyondInstant = new RawMeteoData("air-extreme-future", 1, now, 21.0, 45.0);
        SensorRecord beyondEpochMillis = new RawPollutionData("co2-extreme-past", 1, now, 420);

        publishAll(publisher, "air-ok", 0, RECORDS / 2);
        publishWithDetectionSeconds(beyondInstant, 1L << 62);
        publishWithDetectionSeconds(beyondEpochMillis, -10_000_000_000_000_000L);
        publishAll(publisher, "air-ok", RECORDS / 2, RECORDS);

        await().atMost(AWAIT).until(() -> stored("air-ok") == RECORDS && server.stats().deadLettered() == 2);
        List<GetResponse> deadLetters = RabbitTestSupport.drain(inspector, topology.deadLetterQueue());
        assertEquals(2, deadLetters.size());
        for (GetResponse deadLetter : deadLetters) {
            String reason = reasonOf(deadLetter);
            String messageId = deadLetter.getProps().getMessageId();
            assertTrue(messageId.equals(beyondInstant.id().key())
                    ? reason.contains("in the future") : reason.contains("before 2000-01-01T00:00:00Z"), reason);
        }
        assertEquals(new SensorCounts(0, 0, 1), store.sensorCounts().get("air-extreme-future"));
        assertEquals(new SensorCounts(0, 0, 1), store.sensorCounts().get("co2-extreme-past"));

        // sent again (a sensor's retry): dead-lettered again, not counted again
        publishWithDetectionSeconds(beyondInstant, 1L << 62);
        await().atMost(AWAIT).until(() -> server.stats().deadLettered() == 3);
        assertEquals(2, store.rejectedCount());
        assertEquals(new SensorCounts(RECORDS, 0, 0), store.sensorCounts().get("air-ok"));
        assertEquals(0, RabbitTestSupport.ready(inspector, topology.workQueue()));
    }

    @Test
    void aDeliveryWhoseHandlingThrowsIsHandedBackOnceAndThenStoredOnce() throws Exception {
        // every even record fails the first time it is delivered
        RabbitComputeServer server = startServer("server-throws-once",
                delivery -> !delivery.getEnvelope().isRedeliver() && sequenceOf(delivery) % 2 == 0, null);
        RabbitRecordPublisher publisher = closer.add(RabbitRecordPublisher.open(settings));

        publishAll(publisher, "air-retried", 0, RECORDS);

        await().atMost(AWAIT).until(() -> stored("air-retried") == RECORDS);
        assertEquals(RECORDS / 2, measured(server, "meteo.rabbit.handling.failures"));
        assertTrue(server.stats().requeued() >= RECORDS / 2, server.stats().toString());
        assertEquals(new SensorCounts(RECORDS, 0, 0), store.sensorCounts().get("air-retried"));
        assertEquals(0, server.stats().deadLettered());
        await().atMost(AWAIT).until(() -> server.stats().acked() == RECORDS);
    }

    @Test
    void aDeliveryWhoseHandlingAlwaysThrowsIsDeadLetteredWithTheExceptionAndCountedOnce() throws Exception {
        RabbitComputeServer server = startServer("server-throws-always", delivery -> sequenceOf(delivery) == 7, null);
        RabbitRecordPublisher publisher = closer.add(RabbitRecordPublisher.open(settings));

        publishAll(publisher, "air-poison", 0, RECORDS);

        await().atMost(AWAIT).until(() -> server.stats().deadLettered() == 1 && stored("air-poison") == RECORDS - 1);
        List<GetResponse> deadLetters = RabbitTestSupport.drain(inspector, topology.deadLetterQueue());
        assertEquals(1, deadLetters.size());
        assertEquals("air-poison#7", deadLetters.get(0).getProps().getMessageId());
        String reason = reasonOf(deadLetters.get(0));
        assertTrue(reason.startsWith("handling failed: java.lang.IllegalStateException: injected"), reason);
        assertEquals(new SensorCounts(RECORDS - 1, 0, 1), store.sensorCounts().get("air-poison"));
        assertEquals(2, measured(server, "meteo.rabbit.handling.failures"), "once, then once more on its redelivery");
    }

    @Test
    void anErrorThrownThroughTheConsumerCallbackClosesTheChannelAndTheServerConsumesAgainOnANewOne() throws Exception {
        AtomicBoolean thrown = new AtomicBoolean();
        RabbitComputeServer server = startServer("server-error",
                delivery -> sequenceOf(delivery) == 5 && thrown.compareAndSet(false, true),
                new InjectedError("injected: an Error the per-delivery catch does not take"));
        RabbitRecordPublisher publisher = closer.add(RabbitRecordPublisher.open(settings));

        publishAll(publisher, "air-error", 0, RECORDS);

        // amqp-client closes a channel whose consumer threw: the server consumes again on a new one
        await().atMost(AWAIT).until(() -> measured(server, "meteo.rabbit.resubscriptions") >= 1);
        await().atMost(AWAIT).until(() -> stored("air-error") == RECORDS);
        publishAll(publisher, "air-error", RECORDS, 2 * RECORDS);
        await().atMost(AWAIT).until(() -> stored("air-error") == 2 * RECORDS);
        assertEquals(new SensorCounts(2 * RECORDS, 0, 0), store.sensorCounts().get("air-error"));
        assertEquals(0, store.rejectedCount());
        await().atMost(AWAIT).until(() -> RabbitTestSupport.ready(inspector, topology.workQueue()) == 0);
    }

    @Test
    void aChannelClosedByTheBrokerIsReplacedAndEveryRecordIsStoredOnce() throws Exception {
        RabbitComputeServer server = startServer("server-channel-closed");
        RabbitRecordPublisher publisher = closer.add(RabbitRecordPublisher.open(settings));
        publishAll(publisher, "co2-channel", 0, RECORDS);
        Channel first = server.consumingChannel();

        // a channel error: the broker closes the channel (404 NOT_FOUND), with whatever deliveries it held
        first.basicPublish("meteo-test-no-such-exchange-" + UUID.randomUUID(), "", null, new byte[0]);

        await().atMost(AWAIT).until(() -> measured(server, "meteo.rabbit.resubscriptions") == 1);
        assertTrue(!first.isOpen() && server.consumingChannel() != first);
        publishAll(publisher, "co2-channel", RECORDS, 2 * RECORDS);
        await().atMost(AWAIT).until(() -> stored("co2-channel") == 2 * RECORDS);
        assertEquals(new SensorCounts(2 * RECORDS, 0, 0), store.sensorCounts().get("co2-channel"));
        assertEquals(0, store.rejectedCount());
        await().atMost(AWAIT).until(() -> RabbitTestSupport.ready(inspector, topology.workQueue()) == 0);
    }

    @Test
    void aConsumerCancelledByTheBrokerDeclaresTheQueueAgainAndConsumesAgain() throws Exception {
        RabbitComputeServer server = startServer("server-cancelled");
        RabbitRecordPublisher publisher = closer.add(RabbitRecordPublisher.open(settings));
        publishAll(publisher, "air-cancelled", 0, RECORDS);
        await().atMost(AWAIT).until(() -> stored("air-cancelled") == RECORDS);

        try (Channel channel = inspector.createChannel()) {
            channel.queueDelete(topology.workQueue()); // the broker cancels the server's consumer
        }

        await().atMost(AWAIT).until(() -> measured(server, "meteo.rabbit.resubscriptions") == 1);
        publishAll(publisher, "air-cancelled", RECORDS, 2 * RECORDS);
        await().atMost(AWAIT).until(() -> stored("air-cancelled") == 2 * RECORDS);
        assertEquals(new SensorCounts(2 * RECORDS, 0, 0), store.sensorCounts().get("air-cancelled"));
    }

    private static long sequenceOf(Delivery delivery) {
        String messageId = delivery.getProperties().getMessageId();
        return Long.parseLong(messageId.substring(messageId.lastIndexOf('#') + 1));
    }

    /** An Error, which the server lets through to the client library (it catches exceptions, not errors). */
    private static final class InjectedError extends Error {
        InjectedError(String message) {
            super(message);
        }
    }
}
