package dev.meteo.rabbit.compute;

import dev.meteo.transport.AccessRefusedException;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import dev.meteo.compute.ComputeNode;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.metrics.Measured;
import dev.meteo.metrics.Measurement;
import dev.meteo.model.InvalidRecordException;
import dev.meteo.model.RecordId;
import dev.meteo.model.SensorRecord;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.topology.RecordMessages.UndecodableMessageException;
import dev.meteo.rabbit.topology.RecordMessages;
import dev.meteo.rabbit.topology.Topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * A compute server in indirect mode: consumes the shared work queue with manual acknowledgements and a bounded
 * prefetch, hands each record to its {@link ComputeNode}, and acknowledges it only once the node says it is stored.
 * So a server that dies loses nothing: the broker redelivers what it had not acknowledged, and the idempotent store
 * counts a redelivered record once.
 *
 * <ul>
 *   <li>A message that cannot be decoded is counted as rejected (under a synthetic id derived from its message id
 *       and body, so a redelivery is not counted twice), published to the dead-letter queue with the reason,
 *       and acknowledged once the broker confirmed the dead letter.</li>
 *   <li>An invalid record (the node counted it as rejected) is dead-lettered the same way.</li>
 *   <li>When the store is unavailable the record is handed back to the queue after a pause (basic.nack with
 *       requeue), so nothing is lost while Redis is down.</li>
 * </ul>
 *
 * <p>Acknowledgements are batched: a stored record is marked in {@link HeldDeliveries}, and one ack thread sends
 * {@code basic.ack(tag, multiple = true)} for the run of stored records from the oldest held one, so a group commit
 * of the store costs the broker one ack rather than one per record. A record not stored yet is never covered (a
 * crash before its ack redelivers it, and the store's deduplication makes the redelivery harmless).
 *
 * <p>One connection with a consuming channel and a dead-letter channel. Acks and nacks are serialised on one lock.
 * Entry point: {@link #start(RabbitSettings, ComputeNode)}; {@link #close()} stops gracefully, {@link #abort()} as a
 * crash would.
 */
public final class RabbitComputeServer implements AutoCloseable, Measured {

    private static final Logger LOG = Logger.getLogger(RabbitComputeServer.class.getName());

    /** Counters of one server. */
    public record Stats(long received, long acked, long deadLettered, long requeued) {
    }

    private final RabbitSettings settings;
    private final ComputeNode node;
    private final Topology topology;
    private final String name;
    private final Connection connection;
    private final Channel consumer;
    private final Channel deadLetters;
    private final Object ackLock = new Object();
    private final Object inFlightMonitor = new Object();
    private long inFlight; // guarded by inFlightMonitor
    private final HeldDeliveries held = new HeldDeliveries();
    private final ExecutorService acker;
    private final AtomicBoolean ackScheduled = new AtomicBoolean();
    private final AtomicLong ackCalls = new AtomicLong();
    private final ExecutorService deadLetterer;
    private final ScheduledExecutorService requeuer;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong requeued = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();
    private final String consumerTag;

    private RabbitComputeServer(RabbitSettings settings, ComputeNode node) throws IOException {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.node = Objects.requireNonNull(node, "node");
        this.topology = new Topology(settings);
        this.name = settings.namePrefix() + "-compute-" + node.settings().id();
        this.consumerTag = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.acker = Executors.newSingleThreadExecutor(new DaemonThreadFactory(name + "-acks"));
        this.deadLetterer = Executors.newSingleThreadExecutor(new DaemonThreadFactory(name + "-dead-letters"));
        this.requeuer = Executors.newSingleThreadScheduledExecutor(new DaemonThreadFactory(name + "-requeue"));
        this.connection = RabbitConnections.open(settings, name);
        try {
            this.deadLetters = connection.createChannel();
            topology.declareRecordQueues(deadLetters);
            deadLetters.confirmSelect();
            this.consumer = connection.createChannel();
            consumer.basicQos(settings.prefetch());
            consumer.basicConsume(topology.workQueue(), false, consumerTag, (tag, delivery) -> handle(delivery),
                    tag -> LOG.warning(name + ": consumer cancelled by the broker (work queue deleted?)"));
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        }
        LOG.info(name + ": consuming " + topology.workQueue() + " (prefetch " + settings.prefetch() + ")");
    }

    /**
     * Starts consuming records for {@code node}; messages that cannot be decoded are counted as rejected by the node.
     *
     * @throws UncheckedIOException when the broker cannot be reached or refuses the work queue's declaration
     */
    public static RabbitComputeServer start(RabbitSettings settings, ComputeNode node) {
        try {
            return new RabbitComputeServer(settings, node);
        } catch (IOException e) {
            AccessRefusedException refused = RabbitConnections.refusal(settings, e);
            if (refused != null) {
                throw refused;
            }
            throw new UncheckedIOException("compute server " + node.settings().id() + " cannot consume on "
                    + settings.redactedUri() + ": " + e.getMessage(), e);
        }
    }

    private void handle(Delivery delivery) {
        received.incrementAndGet();
        if (delivery.getEnvelope().isRedeliver()) {
            redelivered.incrementAndGet();
        }
        synchronized (inFlightMonitor) {
            inFlight++;
        }
        long tag = delivery.getEnvelope().getDeliveryTag();
        held.delivered(tag);
        SensorRecord record;
        try {
            record = RecordMessages.decode(delivery.getProperties(), delivery.getBody());
        } catch (UndecodableMessageException e) {
            deadLetterer.execute(() -> deadLetter(delivery, e.getMessage(), true));
            return;
        }
        CompletableFuture<ComputeNode.Processed> processing;
        try {
            processing = node.process(record);
        } catch (RuntimeException e) {
            requeueLater(tag, record.id() + " not processed (" + e.getMessage() + ")");
            return;
        }
        processing.whenComplete((processed, error) -> {
            if (error == null) {
                ack(tag);
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof InvalidRecordException invalid) {
                deadLetterer.execute(() -> deadLetter(delivery, invalid.getMessage(), false));
            } else {
                requeueLater(tag, record.id() + " not stored (" + cause.getMessage() + ")");
            }
        });
    }

    /** Counts (if undecodable), publishes the dead letter, waits for its confirm, then acks the original. */
    private void deadLetter(Delivery delivery, String reason, boolean countAsRejected) {
        long tag = delivery.getEnvelope().getDeliveryTag();
        try {
            if (countAsRejected) {
                node.rejectUndecodable(syntheticId(delivery), reason).join();
            }
            AMQP.BasicProperties original = delivery.getProperties();
            Map<String, Object> headers = new HashMap<>(original.getHeaders() == null ? Map.of() : original.getHeaders());
            headers.put(RecordMessages.REJECT_REASON_HEADER, reason);
            headers.put(RecordMessages.REJECTED_BY_HEADER, node.settings().id());
            AMQP.BasicProperties properties = original.builder().headers(headers).deliveryMode(2).build();
            deadLetters.basicPublish("", topology.deadLetterQueue(), properties, delivery.getBody());
            if (!deadLetters.waitForConfirms(settings.confirmTimeout().toMillis())) {
                throw new IOException("the broker refused the dead letter");
            }
            deadLettered.incrementAndGet();
            LOG.info(name + ": dead-lettered message " + original.getMessageId() + ": " + reason);
            ack(tag);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            requeueLater(tag, "dead-lettering interrupted");
        } catch (IOException | TimeoutException | RuntimeException e) {
            requeueLater(tag, "dead-lettering failed (" + e.getMessage() + ")");
        }
    }

    /**
     * The identity a message that has none is counted under: stable across redeliveries of the same message, with no
     * sensor id (the store keeps such identities apart from the sensors' sequences, for the retention).
     */
    private static RecordId syntheticId(Delivery delivery) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            String messageId = delivery.getProperties().getMessageId();
            if (messageId != null) {
                digest.update(messageId.getBytes(StandardCharsets.UTF_8));
            }
            digest.update(delivery.getBody());
            return new RecordId("", ByteBuffer.wrap(digest.digest()).getLong() & Long.MAX_VALUE);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /** The record of {@code tag} is stored (or dead-lettered): it goes out with the next multiple ack. */
    private void ack(long tag) {
        held.stored(tag);
        scheduleAcks();
    }

    /** One flush at a time; completions arriving meanwhile ride on the next flush, so a stored group is one ack. */
    private void scheduleAcks() {
        if (ackScheduled.compareAndSet(false, true)) {
            try {
                acker.execute(this::sendAcks);
            } catch (RuntimeException e) {
                sendAcks(); // closing: ack on this thread
            }
        }
    }

    private void sendAcks() {
        ackScheduled.set(false);
        HeldDeliveries.Ackable ackable;
        synchronized (ackLock) {
            ackable = held.takeAckable();
            if (ackable.count() == 0) {
                return;
            }
            try {
                consumer.basicAck(ackable.upToTag(), true);
                acked.addAndGet(ackable.count());
                ackCalls.incrementAndGet();
            } catch (IOException | RuntimeException e) {
                // the channel is gone: the broker redelivers these records, and the store deduplicates them
                LOG.fine(name + ": ack up to " + ackable.upToTag() + " lost with the channel: " + e.getMessage());
            }
        }
        done(ackable.count());
    }

    /** Hands a record back to the queue after a pause, so a store outage is not a redelivery storm. */
    private void requeueLater(long tag, String why) {
        LOG.warning(name + ": " + why + "; back to the queue in " + settings.requeuePause().toMillis() + " ms");
        try {
            requeuer.schedule(() -> nack(tag), settings.requeuePause().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            nack(tag); // closing: hand it back at once
        }
    }

    private void nack(long tag) {
        try {
            synchronized (ackLock) {
                try {
                    consumer.basicNack(tag, false, true);
                } finally {
                    held.forget(tag);
                }
            }
            requeued.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            LOG.fine(name + ": nack of " + tag + " lost with the channel: " + e.getMessage());
        } finally {
            done(1);
        }
        scheduleAcks(); // the stored records behind it may go now
    }

    private void done(int records) {
        synchronized (inFlightMonitor) {
            inFlight -= records;
            if (inFlight <= 0) {
                inFlightMonitor.notifyAll();
            }
        }
    }

    public Stats stats() {
        return new Stats(received.get(), acked.get(), deadLettered.get(), requeued.get());
    }

    /** Deliveries received (and of those, redelivered), acknowledged, dead-lettered, handed back. */
    @Override
    public List<Measurement> measurements() {
        return List.of(
                Measurement.counter("meteo.rabbit.deliveries", "record messages taken from the work queue", received.get()),
                Measurement.counter("meteo.rabbit.redeliveries", "of those, messages the broker delivered again "
                        + "(unacknowledged by a server that stopped or lost its connection)", redelivered.get()),
                Measurement.counter("meteo.rabbit.acks", "record messages acknowledged after the store", acked.get()),
                Measurement.counter("meteo.rabbit.ack.calls", "basic.ack frames sent (each acknowledges a run of stored "
                        + "records with multiple = true)", ackCalls.get()),
                Measurement.counter("meteo.rabbit.dead.lettered", "messages moved to the dead-letter queue with the reason",
                        deadLettered.get()),
                Measurement.counter("meteo.rabbit.requeued", "messages handed back to the queue (store unavailable)",
                        requeued.get()));
    }

    /** The connection's name, as the broker lists it. */
    public String connectionName() {
        return name;
    }

    /**
     * Stops taking records, waits (bounded by the close timeout) for the records in flight to be stored and
     * acknowledged, then closes the connection; records still unacknowledged then go back to the queue.
     */
    @Override
    public void close() {
        try {
            synchronized (ackLock) {
                consumer.basicCancel(consumerTag);
            }
        } catch (IOException | RuntimeException e) {
            // connection already gone
        }
        long deadline = System.nanoTime() + settings.closeTimeout().toNanos();
        synchronized (inFlightMonitor) {
            long left;
            while (inFlight > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(inFlightMonitor, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        requeuer.shutdownNow();
        deadLetterer.shutdownNow();
        acker.shutdownNow();
        try {
            connection.close((int) settings.closeTimeout().toMillis());
        } catch (IOException | RuntimeException e) {
            connection.abort(1_000);
        }
        LOG.info(name + ": stopped (" + stats() + ")");
    }

    /** Closes the connection at once, as a crash would: the broker redelivers every unacknowledged record. */
    public void abort() {
        acker.shutdownNow();
        requeuer.shutdownNow();
        deadLetterer.shutdownNow();
        connection.abort(1_000);
        LOG.info(name + ": aborted");
    }
}
