package dev.meteo.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.model.Coefficient;
import dev.meteo.model.CoefficientKind;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.RawMeteoData;
import dev.meteo.model.RawPollutionData;
import dev.meteo.model.RecordId;
import dev.meteo.model.SensorRecord;
import dev.meteo.model.WindowResult;
import dev.meteo.rabbit.compute.RabbitComputeServer;
import dev.meteo.rabbit.proxy.RabbitResultPublisher;
import dev.meteo.rabbit.sensor.RabbitRecordPublisher;
import dev.meteo.rabbit.terminal.RabbitTerminalConsumer;
import dev.meteo.rabbit.topology.RecordMessages;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.store.CoefficientStore;
import dev.meteo.store.StoreOutcome;
import dev.meteo.store.StoreUnavailableException;
import dev.meteo.terminal.RecordingSink;
import dev.meteo.terminal.Terminal;
import dev.meteo.testing.Closer;
import dev.meteo.testing.RedisTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The indirect mode's own guarantees, beyond the shared contract: dead letters, terminal queues, recovery. */
class RabbitIndirectModeTest {

    private static final Duration AWAIT = Duration.ofSeconds(60);

    private final Clock clock = Clock.systemUTC();
    private final Closer closer = new Closer();
    private final List<String> terminalIds = new CopyOnWriteArrayList<>();
    private RabbitSettings settings;
    private Topology topology;
    private RedisMeteoStore store;
    private Connection inspector;

    @BeforeEach
    void setUp() throws Exception {
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

    private ComputeNode startServer(String id) throws Exception {
        ComputeNode node = closer.add(new ComputeNode(ComputeSettings.of(id), store, clock));
        closer.add(RabbitComputeServer.start(settings, node));
        return node;
    }

    /** Takes every message waiting in a queue, without a consumer. */
    private void publishRaw(AMQP.BasicProperties properties, byte[] body) throws Exception {
        try (Channel channel = inspector.createChannel()) {
            channel.confirmSelect();
            channel.basicPublish("", topology.workQueue(), properties, body);
            channel.waitForConfirmsOrDie(10_000);
        }
    }

    private static String header(GetResponse message, String name) {
        Object value = message.getProps().getHeaders() == null ? null : message.getProps().getHeaders().get(name);
        return value == null ? null : value.toString();
    }

    @Test
    void malformedMessagesAndInvalidRecordsLandInTheDeadLetterQueueWithAReasonAndServersKeepRunning() throws Exception {
        ComputeNode node = startServer("server-dlq");
        RabbitRecordPublisher publisher = closer.add(RabbitRecordPublisher.open(settings));
        Instant now = clock.instant();

        publishRaw(new AMQP.BasicProperties.Builder().messageId("garbage-1").deliveryMode(2)
                .headers(Map.of(RecordMessages.RECORD_TYPE_HEADER, RecordMessages.AIR)).build(),
                "not a protobuf message".getBytes(StandardCharsets.UTF_8));
        publishRaw(new AMQP.BasicProperties.Builder().deliveryMode(2).build(), new byte[]{1, 2, 3});
        publisher.publish(new RawMeteoData("air-dlq", 1, now, Double.NaN, 40.0)).get(10, TimeUnit.SECONDS);
        publisher.publish(new RawPollutionData("pollution-dlq", 1, now, 420)).get(10, TimeUnit.SECONDS);

        await().atMost(AWAIT).until(() -> RabbitTestSupport.ready(inspector, topology.deadLetterQueue()) >= 3 && node.stats().processed() >= 1);
        List<GetResponse> deadLetters = RabbitTestSupport.drain(inspector, topology.deadLetterQueue());
        assertEquals(3, deadLetters.size());
        for (GetResponse deadLetter : deadLetters) {
            String reason = header(deadLetter, RecordMessages.REJECT_REASON_HEADER);
            assertNotNull(reason, "dead letter without a reason");
            assertFalse(reason.isBlank());
            assertEquals("server-dlq", header(deadLetter, RecordMessages.REJECTED_BY_HEADER));
        }
        assertEquals(3, store.rejectedCount());
        assertEquals(0, RabbitTestSupport.ready(inspector, topology.workQueue()), "every message was acknowledged");

        publisher.publish(new RawPollutionData("pollution-dlq", 2, clock.instant(), 430)).get(10, TimeUnit.SECONDS);
        await().atMost(AWAIT).until(() -> node.stats().processed() >= 2);
    }

    private static WindowResult window(long startMillis) {
        return new WindowResult(Instant.ofEpochMilli(startMillis), Instant.ofEpochMilli(startMillis + 1_000),
                KindStatistics.EMPTY, KindStatistics.EMPTY, 0);
    }

    @Test
    void aTerminalRestartedWithTheSameIdReceivesTheWindowsPublishedWhileItWasDown() throws Exception {
        String terminalId = "terminal-restart";
        terminalIds.add(terminalId);
        RabbitResultPublisher proxy = closer.add(RabbitResultPublisher.open(settings));
        RecordingSink sink = new RecordingSink();
        Terminal terminal = new Terminal(terminalId, List.of(sink));

        RabbitTerminalConsumer first = RabbitTerminalConsumer.start(settings, terminal);
        proxy.publish(window(0));
        await().atMost(AWAIT).until(() -> sink.size() == 1);
        first.close();

        proxy.publish(window(1_000));
        proxy.publish(window(2_000));
        assertEquals(2, RabbitTestSupport.ready(inspector, topology.terminalQueue(terminalId)), "the queue keeps the windows while the terminal is down");

        RecordingSink afterRestart = new RecordingSink();
        closer.add(RabbitTerminalConsumer.start(settings, new Terminal(terminalId, List.of(afterRestart))));
        await().atMost(AWAIT).until(() -> afterRestart.size() == 2);
        assertEquals(List.of(window(1_000), window(2_000)), afterRestart.results());
    }

    @Test
    void windowsHandedOverBeforeTheirConfirmsAreEachConfirmedAndReachTheTerminalInOrder() throws Exception {
        String terminalId = "terminal-catch-up";
        terminalIds.add(terminalId);
        RabbitResultPublisher proxy = closer.add(RabbitResultPublisher.open(settings));
        RecordingSink sink = new RecordingSink();
        closer.add(RabbitTerminalConsumer.start(settings, new Terminal(terminalId, List.of(sink))));
        List<WindowResult> windows = new ArrayList<>();
        List<CompletableFuture<Void>> confirms = new ArrayList<>();

        for (int i = 0; i < 300; i++) { // more than the publisher's bound of unconfirmed windows: it waits, then goes on
            windows.add(window(i * 1_000L));
            confirms.add(proxy.publishAsync(windows.get(i)));
        }

        CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        await().atMost(AWAIT).until(() -> sink.size() == windows.size());
        assertEquals(windows, sink.results());
        assertEquals(300, proxy.measurements().stream()
                .filter(m -> m.name().equals("meteo.rabbit.windows.published")).findFirst().orElseThrow().value());
    }

    @Test
    void aSecondTerminalWithTheSameIdIsRefusedInsteadOfTakingEveryOtherWindow() {
        String terminalId = "terminal-twice";
        terminalIds.add(terminalId);
        closer.add(RabbitTerminalConsumer.start(settings, new Terminal(terminalId, List.of(new RecordingSink()))));
        UncheckedIOException refused = assertThrows(UncheckedIOException.class,
                () -> RabbitTerminalConsumer.start(settings, new Terminal(terminalId, List.of(new RecordingSink()))));
        assertTrue(refused.getMessage().contains("already consuming") && refused.getMessage().contains("--id"),
                refused.getMessage());
    }

    @Test
    void declaringTheTopologyFromEveryRoleAgainIsHarmless() throws Exception {
        terminalIds.add("terminal-twice");
        try (Channel channel = inspector.createChannel()) {
            topology.declareShared(channel);
            topology.declareShared(channel);
            topology.declareTerminalQueue(channel, "terminal-twice");
        }
        RecordingSink sink = new RecordingSink();
        for (int i = 0; i < 2; i++) {
            closer.add(RabbitRecordPublisher.open(settings));
            closer.add(RabbitResultPublisher.open(settings));
        }
        // the terminal declares its queue again when it restarts (one consumer at a time)
        RabbitTerminalConsumer.start(settings, new Terminal("terminal-twice", List.of(sink))).close();
        closer.add(RabbitTerminalConsumer.start(settings, new Terminal("terminal-twice", List.of(sink))));
        ComputeNode first = startServer("server-a");
        ComputeNode second = startServer("server-b");
        try (Channel channel = inspector.createChannel()) {
            topology.declareTerminalQueue(channel, "terminal-twice");
        }

        RabbitRecordPublisher publisher = closer.add(RabbitRecordPublisher.open(settings));
        publisher.publish(new RawPollutionData("pollution-twice", 1, clock.instant(), 400)).get(10, TimeUnit.SECONDS);
        await().atMost(AWAIT).until(() -> first.stats().processed() + second.stats().processed() == 1);
        RabbitResultPublisher proxy = closer.add(RabbitResultPublisher.open(settings));
        proxy.publish(window(0));
        await().atMost(AWAIT).until(() -> sink.size() == 1);
    }

    @Test
    void onRabbitMqTheQueuesAreQuorumQueuesAndAnExistingClassicQueueIsKeptOnlyWithAuto() throws Exception {
        try (Channel channel = inspector.createChannel()) {
            topology.declareShared(channel);
            assertEquals(RabbitSettings.QueueType.QUORUM, topology.queueType(channel));
        }
        // The broker refuses to redeclare a quorum queue as a classic one: the work queue is a quorum queue.
        Channel refusedChannel = inspector.createChannel(); // closed by the broker's refusal
        IOException refusedAsClassic = assertThrows(IOException.class,
                () -> refusedChannel.queueDeclare(topology.workQueue(), true, false, false, Map.of()));
        assertTrue(String.valueOf(refusedAsClassic.getCause()).contains("x-queue-type"),
                String.valueOf(refusedAsClassic.getCause()));

        RabbitSettings older = RabbitTestSupport.freshSettings();
        Topology classic = new Topology(older.withQueueType(RabbitSettings.QueueType.CLASSIC));
        try {
            try (Channel channel = inspector.createChannel()) {
                classic.declareShared(channel);
                new Topology(older).declareShared(channel); // AUTO keeps what is there, with a warning
            }
            Channel channel = inspector.createChannel(); // closed by the broker's refusal
            Topology quorum = new Topology(older.withQueueType(RabbitSettings.QueueType.QUORUM));
            IOException refused = assertThrows(IOException.class, () -> quorum.declareShared(channel));
            assertTrue(refused.getMessage().contains("meteo reset --mode rabbit"), refused.getMessage());
        } finally {
            RabbitTestSupport.deleteTopology(older, List.of());
        }
    }

    /** The real store behind a switch that makes it unreachable, as Redis down would. */
    private static final class SwitchableStore implements CoefficientStore {
        final CoefficientStore delegate;
        final AtomicBoolean down = new AtomicBoolean();
        final AtomicLong refused = new AtomicLong();

        SwitchableStore(CoefficientStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<StoreOutcome> storeAll(List<Coefficient> coefficients) {
            if (down.get()) {
                refused.addAndGet(coefficients.size());
                throw new StoreUnavailableException("store switched off by the test", null);
            }
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
    void aRecordThatCannotBeStoredGoesBackToTheQueueAndIsStoredOnceTheStoreIsBack() throws Exception {
        SwitchableStore switchable = new SwitchableStore(store);
        switchable.down.set(true);
        ComputeNode node = closer.add(new ComputeNode(ComputeSettings.of("server-outage"), switchable, clock));
        RabbitComputeServer server = closer.add(RabbitComputeServer.start(settings, node));
        RabbitRecordPublisher publisher = closer.add(RabbitRecordPublisher.open(settings));
        for (long sequence = 0; sequence < 10; sequence++) {
            publisher.publish(new RawPollutionData("pollution-outage", sequence, clock.instant(), 400)).get(10, TimeUnit.SECONDS);
        }
        await().atMost(AWAIT).until(() -> server.stats().requeued() >= 10);
        assertEquals(0, node.stats().processed());

        switchable.down.set(false);
        await().atMost(AWAIT).until(() -> node.stats().processed() == 10 && server.stats().acked() == 10);
        assertEquals(10, store.storedCount(CoefficientKind.POLLUTION));
        await().atMost(AWAIT).until(() -> RabbitTestSupport.ready(inspector, topology.workQueue()) == 0);
    }

    /** The real store, except that the write holding {@code blockedSequence} is made and then never returns. */
    private static final class StoreThatHangsAfterWriting implements CoefficientStore {
        final CoefficientStore delegate;
        final long blockedSequence;
        final java.util.concurrent.CountDownLatch hanging = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final AtomicLong storedBeforeHang = new AtomicLong();

        StoreThatHangsAfterWriting(CoefficientStore delegate, long blockedSequence) {
            this.delegate = delegate;
            this.blockedSequence = blockedSequence;
        }

        @Override
        public List<StoreOutcome> storeAll(List<Coefficient> coefficients) {
            List<StoreOutcome> outcomes = delegate.storeAll(coefficients);
            if (coefficients.stream().anyMatch(c -> c.recordId().sequence() == blockedSequence)) {
                storedBeforeHang.set(coefficients.size());
                hanging.countDown();
                try {
                    release.await(); // stored, never acknowledged: the server "crashes" here
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return outcomes;
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
    void aServerKilledBetweenStoringABatchAndItsMultipleAckLosesNothingAndCountsNothingTwice() throws Exception {
        int records = 400;
        long hangAt = 250;
        StoreThatHangsAfterWriting hanging = closer.add(new StoreThatHangsAfterWriting(store, hangAt));
        ComputeNode first = closer.add(new ComputeNode(ComputeSettings.of("server-crash"), hanging, clock));
        RabbitComputeServer crashing = RabbitComputeServer.start(settings.withPrefetch(500), first);
        RabbitRecordPublisher publisher = closer.add(RabbitRecordPublisher.open(settings));
        List<CompletableFuture<Void>> confirmed = new ArrayList<>();
        Instant now = clock.instant();
        for (long sequence = 0; sequence < records; sequence++) {
            confirmed.add(publisher.publish(new RawPollutionData("pollution-crash", sequence, now, 400)));
        }
        CompletableFuture.allOf(confirmed.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        assertTrue(hanging.hanging.await(60, TimeUnit.SECONDS), "the write holding record " + hangAt + " never came");
        long ackedBeforeCrash = crashing.stats().acked();
        assertTrue(ackedBeforeCrash <= hangAt, "acked " + ackedBeforeCrash + ": a multiple ack covered records not yet "
                + "acknowledged by the store");
        crashing.abort();

        ComputeNode second = startServer("server-after-crash");
        await().atMost(AWAIT).until(() -> store.storedCount(CoefficientKind.POLLUTION) == records
                && RabbitTestSupport.ready(inspector, topology.workQueue()) == 0 && second.stats().processed() >= records - ackedBeforeCrash);
        assertEquals(records, store.storedCount(CoefficientKind.POLLUTION), "every record once, none twice");
        assertTrue(second.stats().duplicates() >= hanging.storedBeforeHang.get(),
                "the records stored but not acknowledged came again and were recognised: " + second.stats());
        assertTrue(ackedBeforeCrash + second.stats().processed() >= records,
                "every record was acknowledged by the first server or delivered to the second");
        hanging.release.countDown();
    }

    private static boolean tryPublish(RabbitResultPublisher proxy, WindowResult result) {
        try {
            proxy.publish(result);
            return true;
        } catch (Exception e) {
            return false; // connection still recovering: the aggregator would publish it again too
        }
    }

    @Test
    void everyRoleRecoversWhenTheBrokerClosesItsConnection() throws Exception {
        String terminalId = "terminal-recovery";
        terminalIds.add(terminalId);
        ComputeNode node = startServer("server-recovery");
        RabbitRecordPublisher publisher = closer.add(RabbitRecordPublisher.open(settings));
        RabbitResultPublisher proxy = closer.add(RabbitResultPublisher.open(settings));
        RecordingSink sink = new RecordingSink();
        closer.add(RabbitTerminalConsumer.start(settings, new Terminal(terminalId, List.of(sink))));
        publisher.publish(record("pollution-roles", 0)).get(10, TimeUnit.SECONDS);
        proxy.publish(window(0));
        await().atMost(AWAIT).until(() -> node.stats().processed() == 1 && sink.size() == 1);

        String prefix = settings.namePrefix();
        assertEquals(4, RabbitTestSupport.forceCloseConnections(
                prefix + "-sensor-", prefix + "-compute-", prefix + "-proxy-", prefix + "-terminal-"));

        publisher.publish(record("pollution-roles", 1)).get(60, TimeUnit.SECONDS);
        await().atMost(AWAIT).until(() -> node.stats().processed() == 2);
        await().atMost(AWAIT).until(() -> tryPublish(proxy, window(1_000)));
        await().atMost(AWAIT).until(() -> sink.size() == 2);
    }

    private static SensorRecord record(String sensorId, long sequence) {
        // a fixed time after RecordValidator.EARLIEST_DETECTION_TIME: no proxy closes windows here, so it is stored
        return new RawPollutionData(sensorId, sequence, Instant.ofEpochMilli(1_750_000_000_000L + sequence), 400);
    }

    @Test
    void unconfirmedRecordsArePublishedAgainAfterTheBrokerClosesTheConnection() throws Exception {
        RabbitRecordPublisher publisher = closer.add(RabbitRecordPublisher.open(settings));
        long sent = RabbitTestSupport.publishAcrossABrokerClosedConnection(publisher, publisher.connectionName(),
                publisher::republished, sequence -> record("pollution-recovery", sequence), 200, 500);

        Set<String> arrived = new HashSet<>();
        for (GetResponse message : RabbitTestSupport.drain(inspector, topology.workQueue())) {
            arrived.add(message.getProps().getMessageId());
        }
        for (long sequence = 0; sequence < sent; sequence++) {
            assertTrue(arrived.contains("pollution-recovery#" + sequence), "record " + sequence + " was lost");
        }
    }
}
