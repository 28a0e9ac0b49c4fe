package dev.meteo.rabbit.compute;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.meteo.compute.ComputeNode;
import dev.meteo.internal.Backoff;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.metrics.Measured;
import dev.meteo.metrics.Measurement;
import dev.meteo.model.InvalidRecordException;
import dev.meteo.model.RecordId;
import dev.meteo.model.SensorRecord;
import dev.meteo.proto.Reading;
import dev.meteo.proto.RecordBatch;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.topology.RecordMessages;
import dev.meteo.rabbit.topology.RecordMessages.UndecodableMessageException;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.transport.AccessRefusedException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A compute server in indirect mode: consumes the shared work queue with manual acknowledgements and a bounded
 * prefetch, hands each record to its {@link ComputeNode}, and acknowledges it only once the node says it is stored.
 * So a server that dies loses nothing: the broker redelivers what it had not acknowledged, and the idempotent store
 * counts a redelivered record once.
 *
 * <p>A message is one record (a lone sensor's) or a batch of records (a fleet's, {@link RecordMessages#BATCH}). A
 * batch is handed to the node whole, so its records go to the store in one group-commit write, and it is
 * acknowledged once every record in it is stored, late, a duplicate or rejected: an invalid record is counted
 * rejected and dead-lettered alone, as a message of its own with its identity and the reason, never the batch. A
 * server that dies mid-batch leaves the whole message to the broker; on its redelivery the records stored already
 * come back {@code DUPLICATE} and those rejected already are not counted again.
 *
 * <ul>
 *   <li>A message that cannot be decoded is counted as rejected (under a synthetic id derived from its message id
 *       and body, so a redelivery is not counted twice), published to the dead-letter queue with the reason,
 *       and acknowledged once the broker confirmed the dead letter.</li>
 *   <li>An invalid record (the node counted it as rejected) is dead-lettered the same way; so is a record whose
 *       detection time no {@code Instant} can hold (the codec saturates it and the validator rejects it).</li>
 *   <li>When the store is unavailable the record is handed back to the queue after a pause (basic.nack with
 *       requeue), so nothing is lost while Redis is down.</li>
 *   <li>A delivery whose handling throws (a bug, not an input: every input decodes to a record or a reason) is
 *       counted and logged, handed back to the queue once, and dead-lettered with the exception as the reason when
 *       it fails again on its redelivery. The exception never reaches the client library, which would close the
 *       channel.</li>
 *   <li>If the consuming channel closes anyway (a channel error from the broker, an {@link Error} thrown through the
 *       callback) or the broker cancels the consumer (work queue deleted), the server declares the queues again and
 *       consumes on a new channel, retrying with a backoff; the broker redelivers what the old channel held. A lost
 *       connection is left to the client's automatic recovery, which reopens the channel and its consumer.</li>
 * </ul>
 *
 * <p>Acknowledgements are batched: a stored record is marked in {@link HeldDeliveries}, and one ack thread sends
 * {@code basic.ack(tag, multiple = true)} for the run of stored records from the oldest held one, so a group commit
 * of the store costs the broker one ack rather than one per record. A record not stored yet is never covered (a
 * crash before its ack redelivers it, and the store's deduplication makes the redelivery harmless). Delivery tags
 * belong to a channel, so each consuming channel has its own held deliveries.
 *
 * <p>One connection with a consuming channel and a dead-letter channel (opened again if the broker closes it). Acks
 * and nacks are serialised on one lock. Entry point: {@link #start(RabbitSettings, ComputeNode)}; {@link #close()}
 * stops gracefully, {@link #abort()} as a crash would.
 */
public final class RabbitComputeServer implements AutoCloseable, Measured {

    private static final Logger LOG = Logger.getLogger(RabbitComputeServer.class.getName());
    /** Waits between attempts to consume again after the consuming channel was lost. */
    private static final Backoff RESUBSCRIBE_BACKOFF = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
    /** Longest reason put in a dead letter's header and the store: an exception's message can be anything. */
    private static final int MAX_REASON_LENGTH = 500;

    /** Counters of one server. */
    public record Stats(long received, long acked, long deadLettered, long requeued) {
    }

    /** One consuming channel and the deliveries it holds: delivery tags are per channel. */
    private static final class Subscription {
        private final Channel channel;
        private final String consumerTag;
        private final HeldDeliveries held = new HeldDeliveries();
        private final AtomicBoolean ackScheduled = new AtomicBoolean();
        /** Replaced by a newer subscription (or the server is stopping): its closing is expected. */
        private volatile boolean retired;

        private Subscription(Channel channel, String consumerTag) {
            this.channel = channel;
            this.consumerTag = consumerTag;
        }
    }

    private final RabbitSettings settings;
    private final ComputeNode node;
    private final Topology topology;
    private final String name;
    private final String consumerTagPrefix;
    private final Connection connection;
    /** Times the connection was lost: a delivery taken before a loss is no longer this server's to settle. */
    private final AtomicLong connectionLosses = new AtomicLong();
    /** The channel the server consumes on now. */
    private volatile Subscription subscription;
    /** Confined to the dead-letter thread once the server runs. */
    private Channel deadLetters;
    private final Object ackLock = new Object();
    private final Object inFlightMonitor = new Object();
    private long inFlight; // guarded by inFlightMonitor
    private final ExecutorService acker;
    private final AtomicLong ackCalls = new AtomicLong();
    private final ExecutorService deadLetterer;
    /** Decodes and processes the batches that waited for room (see {@link #dispatchBatch}). */
    private final ExecutorService batchIntake;
    private final Object admission = new Object();
    /** Records of batches decoded and not yet settled; guarded by admission. */
    private long batchRecordsInProcess;
    /** Batch deliveries taken from the broker that wait, undecoded, for room; guarded by admission. */
    private final ArrayDeque<Runnable> batchesWaiting = new ArrayDeque<>();
    /** A batch was let in and is not decoded yet (its size unknown); guarded by admission. */
    private boolean admitting;
    /** Requeues after their pause, and attempts to consume again. */
    private final ScheduledExecutorService timer;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong batchesReceived = new AtomicLong();
    private final AtomicLong batchRecords = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong requeued = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();
    private final AtomicLong handlingFailures = new AtomicLong();
    private final AtomicLong resubscriptions = new AtomicLong();
    private final AtomicInteger subscriptionsOpened = new AtomicInteger();
    private final AtomicBoolean resubscribing = new AtomicBoolean();
    private volatile boolean stopping;
    /**
     * Test seam: runs first in the handling of every delivery, so that a test can make the handling fail (throw a
     * RuntimeException) or escape the callback (throw an Error).
     */
    volatile Consumer<Delivery> beforeHandling = delivery -> { };

    private RabbitComputeServer(RabbitSettings settings, ComputeNode node) throws IOException {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.node = Objects.requireNonNull(node, "node");
        this.topology = new Topology(settings);
        this.name = settings.namePrefix() + "-compute-" + node.settings().id();
        this.consumerTagPrefix = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.acker = Executors.newSingleThreadExecutor(new DaemonThreadFactory(name + "-acks"));
        this.deadLetterer = Executors.newSingleThreadExecutor(new DaemonThreadFactory(name + "-dead-letters"));
        this.batchIntake = Executors.newSingleThreadExecutor(new DaemonThreadFactory(name + "-batches"));
        this.timer = Executors.newSingleThreadScheduledExecutor(new DaemonThreadFactory(name + "-timer"));
        this.connection = RabbitConnections.open(settings, name);
        if (connection instanceof Recoverable recoverable) {
            recoverable.addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable recovered) {
                }

                @Override
                public void handleRecoveryStarted(Recoverable recovering) {
                    connectionLosses.incrementAndGet(); // the deliveries held before are the broker's again
                }
            });
        }
        try {
            this.deadLetters = openDeadLetterChannel();
            subscribe();
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

    /** Declares the record queues and consumes the work queue on a new channel, which becomes the current one. */
    private void subscribe() throws IOException {
        Channel channel = connection.createChannel();
        Subscription fresh = new Subscription(channel, consumerTagPrefix + "-" + subscriptionsOpened.incrementAndGet());
        try {
            topology.declareRecordQueues(channel);
            channel.basicQos(settings.prefetch());
            channel.addShutdownListener(cause -> channelClosed(fresh, cause));
            subscription = fresh;
            channel.basicConsume(topology.workQueue(), false, fresh.consumerTag,
                    (tag, delivery) -> handle(fresh, delivery), tag -> cancelledByBroker(fresh));
        } catch (IOException | RuntimeException e) {
            fresh.retired = true;
            abortQuietly(channel); // also forgets it for the connection's recovery
            throw e;
        }
    }

    /** Whether the subscription's channel was closed on its own (not with its connection, which recovers it). */
    private static boolean closedByChannelError(Subscription subscription) {
        ShutdownSignalException cause = subscription.channel.getCloseReason();
        return cause != null && !cause.isHardError();
    }

    private void channelClosed(Subscription closed, ShutdownSignalException cause) {
        if (closed.retired || stopping) {
            return;
        }
        if (cause.isHardError()) {
            return; // the connection is lost: its automatic recovery reopens this channel and its consumer
        }
        LOG.warning(name + ": the consuming channel was closed (" + cause.getMessage() + "); consuming again on a new one");
        resubscribeSoon(0);
    }

    private void cancelledByBroker(Subscription cancelled) {
        if (cancelled.retired || stopping) {
            return;
        }
        LOG.warning(name + ": consumer cancelled by the broker (work queue deleted?); declaring it and consuming again");
        resubscribeSoon(0);
    }

    private void resubscribeSoon(int attempt) {
        if (attempt == 0 && !resubscribing.compareAndSet(false, true)) {
            return; // one attempt at a time
        }
        try {
            timer.schedule(() -> resubscribe(attempt), attempt == 0 ? 0 : RESUBSCRIBE_BACKOFF.delayMillis(attempt - 1),
                    TimeUnit.MILLISECONDS);
        } catch (RuntimeException stopped) {
            resubscribing.set(false);
        }
    }

    /** Retires the lost channel (the broker redelivers what it held) and consumes on a new one, retrying until it can. */
    private void resubscribe(int attempt) {
        if (stopping) {
            resubscribing.set(false);
            return;
        }
        Subscription lost = subscription;
        lost.retired = true;
        abortQuietly(lost.channel); // closed already, or a cancelled consumer's: forget it for the connection's recovery
        try {
            subscribe();
            resubscriptions.incrementAndGet();
            resubscribing.set(false);
            LOG.info(name + ": consuming " + topology.workQueue() + " again on a new channel");
            if (closedByChannelError(subscription)) {
                resubscribeSoon(0); // lost again before the flag was down: its listener found an attempt under way
            }
        } catch (IOException | RuntimeException e) {
            LOG.warning(name + ": cannot consume again yet (" + e.getMessage() + "); retrying");
            resubscribeSoon(attempt + 1);
        }
    }

    private void handle(Subscription from, Delivery delivery) {
        received.incrementAndGet();
        if (delivery.getEnvelope().isRedeliver()) {
            redelivered.incrementAndGet();
        }
        synchronized (inFlightMonitor) {
            inFlight++;
        }
        long tag = delivery.getEnvelope().getDeliveryTag();
        from.held.delivered(tag);
        boolean settling = false; // a path that settles the delivery (ack, dead letter or nack) has taken it
        try {
            beforeHandling.accept(delivery);
            dispatch(from, delivery);
            settling = true;
        } catch (RuntimeException e) {
            settling = true;
            handlingFailed(from, delivery, e);
        } finally {
            if (!settling) {
                // an Error on its way to the client library, which closes the channel: the broker redelivers this one
                forget(from, tag);
            }
        }
    }

    /** Decodes the record and hands it to the node; what becomes of it settles the delivery later. */
    private void dispatch(Subscription from, Delivery delivery) {
        if (RecordMessages.isBatch(delivery.getProperties())) {
            dispatchBatch(from, delivery);
            return;
        }
        long tag = delivery.getEnvelope().getDeliveryTag();
        SensorRecord record;
        try {
            record = RecordMessages.decode(delivery.getProperties(), delivery.getBody());
        } catch (UndecodableMessageException e) {
            deadLetterUndecodable(from, delivery, e.getMessage());
            return;
        }
        CompletableFuture<ComputeNode.Processed> processing;
        try {
            processing = node.process(record, stillWanted(from));
        } catch (RuntimeException e) {
            requeueLater(from, tag, record.id() + " not processed (" + e.getMessage() + ")");
            return;
        }
        processing.whenComplete((processed, error) -> {
            try {
                if (error == null) {
                    ack(from, tag);
                    return;
                }
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof InvalidRecordException invalid) {
                    deadLetterer.execute(() -> deadLetter(from, tag,
                            List.of(DeadLetter.of(delivery, invalid.getMessage())), null));
                } else if (cause instanceof CancellationException) {
                    forget(from, tag); // not stored: the broker redelivers it to whoever consumes now
                } else {
                    requeueLater(from, tag, record.id() + " not stored (" + cause.getMessage() + ")");
                }
            } catch (RuntimeException e) {
                requeueLater(from, tag, record.id() + " not settled (" + e + ")"); // the executor is stopping
            }
        });
    }

    /**
     * Whether a delivery taken now is still this server's to settle when its store comes: once its channel or
     * connection is gone the broker gives it to another server, and the store can be skipped (a saving only: stores
     * are idempotent).
     */
    private BooleanSupplier stillWanted(Subscription from) {
        long lossesAtDelivery = connectionLosses.get();
        return () -> !from.retired && from.channel.isOpen() && connectionLosses.get() == lossesAtDelivery;
    }

    /** Counts an undecodable message as rejected once (under its synthetic identity) and dead-letters it whole. */
    private void deadLetterUndecodable(Subscription from, Delivery delivery, String reason) {
        deadLetterer.execute(() -> deadLetter(from, delivery.getEnvelope().getDeliveryTag(),
                List.of(DeadLetter.of(delivery, reason)), () -> node.rejectUndecodable(syntheticId(delivery, -1), reason)));
    }

    /**
     * Admits a batch when fewer than {@code prefetch} records of batches are in process, else keeps it, undecoded, until
     * settled batches make room: the broker's prefetch counts messages, and a server taking fleets' batches with the
     * default prefetch of 1,000 would otherwise decode and hold up to 1,000 batches of records at once. One batch is
     * let in at a time (its size is known once it is decoded), so the records in process stay below the prefetch plus
     * one batch. Batches go in in the order they came.
     */
    private void dispatchBatch(Subscription from, Delivery delivery) {
        boolean now;
        synchronized (admission) {
            now = !admitting && batchRecordsInProcess < settings.prefetch() && batchesWaiting.isEmpty();
            if (now) {
                admitting = true;
            } else {
                batchesWaiting.add(() -> processBatch(from, delivery));
            }
        }
        if (now) {
            processBatch(from, delivery);
        } else {
            admitWaiting();
        }
    }

    /** A batch let in is decoded: its records count from now on, and the next may be let in. */
    private void batchCounted(int records) {
        synchronized (admission) {
            batchRecordsInProcess += records;
            admitting = false;
        }
        admitWaiting();
    }

    /** A batch was settled (stored, rejected, or handed back): its records no longer count. */
    private void batchSettled(int records) {
        synchronized (admission) {
            batchRecordsInProcess -= records;
        }
        admitWaiting();
    }

    /** Lets the oldest batch waiting in, on the intake thread, when there is room and no other is being let in. */
    private void admitWaiting() {
        Runnable next;
        synchronized (admission) {
            if (admitting || batchRecordsInProcess >= settings.prefetch() || batchesWaiting.isEmpty()) {
                return;
            }
            admitting = true;
            next = batchesWaiting.poll();
        }
        try {
            batchIntake.execute(next);
        } catch (RuntimeException stopping) {
            // closing or aborted: the broker redelivers what was not acknowledged
        }
    }

    /**
     * A batch: every record to the node at once (one group-commit write), then one ack for the message once each is
     * stored, late, a duplicate or rejected. Invalid records are dead-lettered one by one before that ack, each as a
     * message of its own; a reading that carries no record is counted rejected (under an identity derived from the
     * message and its position) and dead-lettered alone too. An undecodable batch is dead-lettered whole.
     */
    private void processBatch(Subscription from, Delivery delivery) {
        long tag = delivery.getEnvelope().getDeliveryTag();
        RecordBatch batch;
        try {
            batch = RecordMessages.decodeBatch(delivery.getProperties(), delivery.getBody());
        } catch (UndecodableMessageException e) {
            batchCounted(0);
            deadLetterUndecodable(from, delivery, e.getMessage());
            return;
        } catch (RuntimeException e) {
            batchCounted(0);
            handlingFailed(from, delivery, e); // run from the intake thread: nothing above catches it
            return;
        }
        int size = batch.getReadingsCount();
        batchCounted(size);
        try {
            processDecodedBatch(from, delivery, tag, batch);
        } catch (RuntimeException e) {
            batchSettled(size);
            handlingFailed(from, delivery, e);
        }
    }

    private void processDecodedBatch(Subscription from, Delivery delivery, long tag, RecordBatch batch) {
        int size = batch.getReadingsCount();
        batchesReceived.incrementAndGet();
        batchRecords.addAndGet(size);
        String batchId = batchId(delivery);
        List<SensorRecord> records = new ArrayList<>(size);
        List<Reading> readings = new ArrayList<>(size);
        List<DeadLetter> empty = new ArrayList<>();
        List<RecordId> emptyIds = new ArrayList<>();
        for (int position = 0; position < size; position++) {
            Reading reading = batch.getReadings(position);
            SensorRecord record = RecordMessages.record(reading);
            if (record == null) {
                empty.add(new DeadLetter(RecordMessages.properties(reading, batchId, position), RecordMessages.body(reading),
                        "reading " + position + " of batch " + batchId + " carries no record", batchId));
                emptyIds.add(syntheticId(delivery, position));
            } else {
                records.add(record);
                readings.add(reading);
            }
        }
        CompletableFuture<List<ComputeNode.Result>> processing;
        try {
            processing = node.processAll(records, stillWanted(from));
        } catch (RuntimeException e) {
            batchSettled(size);
            requeueLater(from, tag, "batch " + batchId + " not processed (" + e.getMessage() + ")");
            return;
        }
        processing.whenComplete((results, error) -> {
            batchSettled(size); // its records are stored or rejected (or not, and it goes back): the next may come in
            try {
                if (error == null) {
                    List<DeadLetter> letters = new ArrayList<>(empty);
                    for (int i = 0; i < results.size(); i++) {
                        ComputeNode.Result result = results.get(i);
                        if (result.isRejected()) {
                            Reading reading = readings.get(i);
                            letters.add(new DeadLetter(RecordMessages.properties(reading, batchId, i),
                                    RecordMessages.body(reading), result.rejection(), batchId));
                        }
                    }
                    if (letters.isEmpty()) {
                        ack(from, tag);
                    } else {
                        deadLetterer.execute(() -> deadLetter(from, tag, letters, emptyIds.isEmpty() ? null
                                : () -> countUndecodable(emptyIds, "a reading of batch " + batchId + " carries no record")));
                    }
                    return;
                }
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof CancellationException) {
                    forget(from, tag); // not stored: the broker redelivers it to whoever consumes now
                } else {
                    requeueLater(from, tag, "batch " + batchId + " not stored (" + cause.getMessage() + ")");
                }
            } catch (RuntimeException e) {
                requeueLater(from, tag, "batch " + batchId + " not settled (" + e + ")"); // the executor is stopping
            }
        });
    }

    /** The name of a batch in logs and dead letters: its message id, or a digest of its bytes when it has none. */
    private static String batchId(Delivery delivery) {
        String messageId = delivery.getProperties().getMessageId();
        return messageId != null ? messageId : "batch-" + syntheticId(delivery, -1).sequence();
    }

    private CompletableFuture<Void> countUndecodable(List<RecordId> ids, String reason) {
        return CompletableFuture.allOf(ids.stream().map(id -> node.rejectUndecodable(id, reason))
                .toArray(CompletableFuture[]::new));
    }

    /**
     * The handling of a delivery threw: handed back to the queue once; on its redelivery (it failed before, here or
     * on a server that then stopped), dead-lettered with the exception as the reason and counted as rejected (a
     * batch's records each under its own identity), so that a message that always fails neither loops for ever nor
     * goes uncounted.
     */
    private void handlingFailed(Subscription from, Delivery delivery, RuntimeException e) {
        handlingFailures.incrementAndGet();
        long tag = delivery.getEnvelope().getDeliveryTag();
        String reason = bounded("handling failed: " + e);
        LOG.log(Level.WARNING, name + ": message " + delivery.getProperties().getMessageId() + ": " + reason, e);
        if (!delivery.getEnvelope().isRedeliver()) {
            requeueLater(from, tag, reason);
            return;
        }
        try {
            deadLetterer.execute(() -> deadLetter(from, tag, List.of(DeadLetter.of(delivery, reason)),
                    () -> countUndecodable(identitiesOf(delivery), reason)));
        } catch (RuntimeException stopping) {
            requeueLater(from, tag, reason);
        }
    }

    /**
     * The identities of the records a message carries: a record's, a batch's records' (a reading without a record
     * under its position's synthetic one), or the synthetic one of an undecodable message.
     */
    private static List<RecordId> identitiesOf(Delivery delivery) {
        try {
            if (RecordMessages.isBatch(delivery.getProperties())) {
                RecordBatch batch = RecordMessages.decodeBatch(delivery.getProperties(), delivery.getBody());
                List<RecordId> ids = new ArrayList<>(batch.getReadingsCount());
                for (int position = 0; position < batch.getReadingsCount(); position++) {
                    SensorRecord record = RecordMessages.record(batch.getReadings(position));
                    ids.add(record != null ? record.id() : syntheticId(delivery, position));
                }
                return ids;
            }
            return List.of(RecordMessages.decode(delivery.getProperties(), delivery.getBody()).id());
        } catch (RuntimeException undecodable) {
            return List.of(syntheticId(delivery, -1));
        }
    }

    /**
     * A message for the dead-letter queue: the properties and body of the message rejected (for a record taken out of
     * a batch, those it would have on its own), why, and the batch it came in ({@code null}: none).
     */
    private record DeadLetter(AMQP.BasicProperties properties, byte[] body, String reason, String batchId) {

        static DeadLetter of(Delivery delivery, String reason) {
            return new DeadLetter(delivery.getProperties(), delivery.getBody(), reason, null);
        }
    }

    /**
     * Counts the rejections (when {@code count} is given), publishes the dead letters, waits for their confirms, then
     * acks the original message.
     */
    private void deadLetter(Subscription from, long tag, List<DeadLetter> letters,
                            Supplier<CompletableFuture<Void>> count) {
        try {
            if (count != null) {
                count.get().join();
            }
            Channel channel = deadLetterChannel();
            for (DeadLetter letter : letters) {
                AMQP.BasicProperties original = letter.properties();
                Map<String, Object> headers = new HashMap<>(original.getHeaders() == null ? Map.of() : original.getHeaders());
                headers.put(RecordMessages.REJECT_REASON_HEADER, bounded(letter.reason()));
                headers.put(RecordMessages.REJECTED_BY_HEADER, node.settings().id());
                if (letter.batchId() != null) {
                    headers.put(RecordMessages.FROM_BATCH_HEADER, letter.batchId());
                }
                AMQP.BasicProperties properties = original.builder().headers(headers).deliveryMode(2).build();
                channel.basicPublish("", topology.deadLetterQueue(), properties, letter.body());
            }
            if (!channel.waitForConfirms(settings.confirmTimeout().toMillis())) {
                throw new IOException("the broker refused a dead letter");
            }
            deadLettered.addAndGet(letters.size());
            for (DeadLetter letter : letters) {
                LOG.info(name + ": dead-lettered message " + letter.properties().getMessageId()
                        + (letter.batchId() == null ? "" : " of batch " + letter.batchId()) + ": " + letter.reason());
            }
            ack(from, tag);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            requeueLater(from, tag, "dead-lettering interrupted");
        } catch (IOException | TimeoutException | RuntimeException e) {
            requeueLater(from, tag, "dead-lettering failed (" + e.getMessage() + ")");
        }
    }

    /** The dead-letter channel, opened again when the broker closed it (a lost connection reopens it by itself). */
    private Channel deadLetterChannel() throws IOException {
        ShutdownSignalException closed = deadLetters.getCloseReason();
        if (closed != null && !closed.isHardError()) {
            abortQuietly(deadLetters);
            deadLetters = openDeadLetterChannel();
        }
        return deadLetters;
    }

    /** Closes a channel that may be closed already; on an auto-recovering connection it is also forgotten. */
    private static void abortQuietly(Channel channel) {
        try {
            channel.abort();
        } catch (IOException | RuntimeException e) {
            // closed already
        }
    }

    private Channel openDeadLetterChannel() throws IOException {
        Channel channel = connection.createChannel();
        channel.confirmSelect();
        return channel;
    }

    /**
     * The identity a message that has none is counted under (with {@code position} -1), or a reading of a batch that
     * carries no record (its position): stable across redeliveries of the same message, with no sensor id (the store
     * keeps such identities apart from the sensors' sequences, for the retention).
     */
    private static RecordId syntheticId(Delivery delivery, int position) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            String messageId = delivery.getProperties().getMessageId();
            if (messageId != null) {
                digest.update(messageId.getBytes(StandardCharsets.UTF_8));
            }
            digest.update(delivery.getBody() == null ? new byte[0] : delivery.getBody());
            if (position >= 0) {
                digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(position).array());
            }
            return new RecordId("", ByteBuffer.wrap(digest.digest()).getLong() & Long.MAX_VALUE);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    private static String bounded(String reason) {
        return reason.length() <= MAX_REASON_LENGTH ? reason : reason.substring(0, MAX_REASON_LENGTH) + "...";
    }

    /** The record of {@code tag} is stored (or dead-lettered): it goes out with the next multiple ack. */
    private void ack(Subscription from, long tag) {
        from.held.stored(tag);
        scheduleAcks(from);
    }

    /** One flush at a time; completions arriving meanwhile ride on the next flush, so a stored group is one ack. */
    private void scheduleAcks(Subscription from) {
        if (from.ackScheduled.compareAndSet(false, true)) {
            try {
                acker.execute(() -> sendAcks(from));
            } catch (RuntimeException e) {
                sendAcks(from); // closing: ack on this thread
            }
        }
    }

    private void sendAcks(Subscription from) {
        from.ackScheduled.set(false);
        HeldDeliveries.Ackable ackable;
        synchronized (ackLock) {
            ackable = from.held.takeAckable();
            if (ackable.count() == 0) {
                return;
            }
            try {
                from.channel.basicAck(ackable.upToTag(), true);
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
    private void requeueLater(Subscription from, long tag, String why) {
        LOG.warning(name + ": " + why + "; back to the queue in " + settings.requeuePause().toMillis() + " ms");
        try {
            timer.schedule(() -> nack(from, tag), settings.requeuePause().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            nack(from, tag); // closing: hand it back at once
        }
    }

    private void nack(Subscription from, long tag) {
        try {
            synchronized (ackLock) {
                try {
                    from.channel.basicNack(tag, false, true);
                } finally {
                    from.held.forget(tag);
                }
            }
            requeued.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            LOG.fine(name + ": nack of " + tag + " lost with the channel: " + e.getMessage());
        } finally {
            done(1);
        }
        scheduleAcks(from); // the stored records behind it may go now
    }

    /** A delivery this server will not settle (its channel is closing): it no longer holds back the others. */
    private void forget(Subscription from, long tag) {
        synchronized (ackLock) {
            from.held.forget(tag);
        }
        done(1);
        scheduleAcks(from);
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

    /**
     * Deliveries received (and of those, redelivered), acknowledged, dead-lettered, handed back; deliveries whose
     * handling failed; times the server consumed again on a new channel.
     */
    @Override
    public List<Measurement> measurements() {
        return List.of(
                Measurement.counter("meteo.rabbit.deliveries", "record messages taken from the work queue (a batch is one)",
                        received.get()),
                Measurement.counter("meteo.rabbit.batch.deliveries", "of those, batch messages", batchesReceived.get()),
                Measurement.counter("meteo.rabbit.batch.records", "records in the batch messages taken", batchRecords.get()),
                Measurement.counter("meteo.rabbit.redeliveries", "of those, messages the broker delivered again "
                        + "(unacknowledged by a server that stopped or lost its connection)", redelivered.get()),
                Measurement.counter("meteo.rabbit.acks", "record messages acknowledged after the store", acked.get()),
                Measurement.counter("meteo.rabbit.ack.calls", "basic.ack frames sent (each acknowledges a run of stored "
                        + "records with multiple = true)", ackCalls.get()),
                Measurement.counter("meteo.rabbit.dead.lettered", "messages moved to the dead-letter queue with the reason",
                        deadLettered.get()),
                Measurement.counter("meteo.rabbit.requeued", "messages handed back to the queue (store unavailable, "
                        + "handling failed)", requeued.get()),
                Measurement.counter("meteo.rabbit.handling.failures", "deliveries whose handling threw: handed back "
                        + "once, then dead-lettered with the exception", handlingFailures.get()),
                Measurement.counter("meteo.rabbit.resubscriptions", "times the server consumed again on a new channel "
                        + "after the broker closed its channel or cancelled its consumer", resubscriptions.get()));
    }

    /** The connection's name, as the broker lists it. */
    public String connectionName() {
        return name;
    }

    /** The channel the server consumes on now (tests close it to show that the server consumes again). */
    Channel consumingChannel() {
        return subscription.channel;
    }

    /**
     * Stops taking records, waits (bounded by the close timeout) for the records in flight to be stored and
     * acknowledged, then closes the connection; records still unacknowledged then go back to the queue.
     */
    @Override
    public void close() {
        stopping = true;
        Subscription current = subscription;
        try {
            synchronized (ackLock) {
                current.channel.basicCancel(current.consumerTag);
            }
        } catch (IOException | RuntimeException e) {
            // channel or connection already gone
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
        timer.shutdownNow();
        deadLetterer.shutdownNow();
        batchIntake.shutdownNow();
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
        stopping = true;
        acker.shutdownNow();
        timer.shutdownNow();
        deadLetterer.shutdownNow();
        batchIntake.shutdownNow();
        connection.abort(1_000);
        LOG.info(name + ": aborted");
    }
}
