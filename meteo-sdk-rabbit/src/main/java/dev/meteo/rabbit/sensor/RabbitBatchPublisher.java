package dev.meteo.rabbit.sensor;

import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.metrics.Measured;
import dev.meteo.metrics.Measurement;
import dev.meteo.model.SensorRecord;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.topology.RecordMessages;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.transport.AccessRefusedException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The publisher of a fleet of sensors in one process ({@code SensorFleet}): records from every sensor are grouped
 * into batch messages on the shared work queue, each one persistent and confirmed, so the broker pays per batch
 * rather than per record. A record's future completes when the broker confirmed the message that carries it: the
 * records of a batch complete together. A batch the broker did not confirm (a nack, a connection lost before the
 * confirm) is published again whole once the connection has recovered; the compute servers' stores recognise the
 * records of a repeat by their identity. Wire format: {@link RecordMessages#batchProperties}, version
 * {@value RecordMessages#BATCH_VERSION}; a compute server acknowledges a batch once every record in it is stored,
 * late, a duplicate or rejected, and dead-letters an invalid record alone.
 *
 * <p>Batching and flow control ({@link RabbitBatchSettings}): a message leaves when {@code maxRecords} are waiting,
 * or when the oldest has waited {@code linger}; at most {@code maxBatchesInFlight} messages are unconfirmed, and
 * while they are all out records wait, so batches grow with the load. At most {@code maxBuffered} records are
 * accepted and unconfirmed; beyond, {@link #publish} fails at once with {@link RejectedExecutionException} and the
 * record is not sent.
 *
 * <p>Threading: {@link #publish} is thread-safe and never waits for the broker; batches are encoded and published on
 * one thread of the publisher's; futures complete on the client library's thread. Entry point:
 * {@link #open(RabbitSettings, RabbitBatchSettings)}.
 */
public final class RabbitBatchPublisher implements RecordPublisher, Measured {

    /** Counters: records confirmed, records failed (buffer full, or unconfirmed at close), batches confirmed. */
    public record Stats(long confirmed, long failed, long batches) {
    }

    private record Pending(SensorRecord record, CompletableFuture<Void> confirmed) {
    }

    private final RabbitBatchSettings batching;
    private final ConfirmedPublisher out;
    private final ScheduledThreadPoolExecutor sender;
    private final Semaphore buffer;
    private final Object lock = new Object();
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>(); // guarded by lock
    private int batchesInFlight; // guarded by lock
    private long oldestWaitingSinceNanos; // guarded by lock; meaningful while waiting is not empty
    private boolean drainScheduled; // guarded by lock
    private long drainDueNanos; // guarded by lock; when the earliest drain scheduled runs, while drainScheduled
    private boolean closed; // guarded by lock
    private final AtomicLong batchNumbers = new AtomicLong();
    private final AtomicLong confirmed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong batchesConfirmed = new AtomicLong();

    private RabbitBatchPublisher(RabbitBatchSettings batching, ConfirmedPublisher out) {
        this.batching = batching;
        this.out = out;
        this.buffer = new Semaphore(batching.maxBuffered());
        this.sender = new ScheduledThreadPoolExecutor(1, new DaemonThreadFactory(out.connectionName() + "-batches"));
        sender.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // at close, lingering is over
    }

    /**
     * Opens a publisher on the broker of {@code settings} and declares the record queues.
     *
     * @throws UncheckedIOException when the broker cannot be reached or refuses the work queue's declaration
     */
    public static RabbitBatchPublisher open(RabbitSettings settings, RabbitBatchSettings batching) {
        Objects.requireNonNull(batching, "batching");
        try {
            return new RabbitBatchPublisher(batching, new ConfirmedPublisher(settings,
                    settings.namePrefix() + "-fleet-" + UUID.randomUUID().toString().substring(0, 8)));
        } catch (IOException e) {
            AccessRefusedException refused = RabbitConnections.refusal(settings, e);
            if (refused != null) {
                throw refused;
            }
            throw new UncheckedIOException("a sensor fleet cannot publish on " + settings.redactedUri() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Queues a record for the next batch; never blocks. The future completes once the broker confirmed the batch
     * that carries it, or fails with {@link RejectedExecutionException} (buffer full or publisher closed: not sent) or
     * an {@link IOException} (still unconfirmed at {@link #close()}).
     */
    @Override
    public CompletableFuture<Void> publish(SensorRecord record) {
        if (!buffer.tryAcquire()) {
            failed.incrementAndGet();
            return CompletableFuture.failedFuture(new RejectedExecutionException("record " + record.id() + " not sent: "
                    + batching.maxBuffered() + " records already wait for the broker's confirm"));
        }
        Pending pending = new Pending(record, new CompletableFuture<>());
        synchronized (lock) {
            if (closed) {
                buffer.release();
                failed.incrementAndGet();
                return CompletableFuture.failedFuture(new RejectedExecutionException("batch publisher "
                        + out.connectionName() + " is closed: record " + record.id() + " not sent"));
            }
            if (waiting.isEmpty()) {
                oldestWaitingSinceNanos = System.nanoTime();
            }
            waiting.add(pending);
            if (batchesInFlight < batching.maxBatchesInFlight()) { // else the next confirm drains
                if (waiting.size() >= batching.maxRecords()) {
                    drainIn(0);
                } else if (waiting.size() == 1) {
                    drainIn(batching.linger().toNanos());
                }
            }
        }
        return pending.confirmed();
    }

    /** Makes sure a drain runs within {@code delayNanos}; holds lock. */
    private void drainIn(long delayNanos) {
        long due = System.nanoTime() + Math.max(0, delayNanos);
        if (drainScheduled && due - drainDueNanos >= 0) {
            return; // one runs by then
        }
        try {
            sender.schedule(this::drain, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
            drainScheduled = true;
            drainDueNanos = due;
        } catch (RejectedExecutionException closing) {
            // closed: close() publishes what waits
        }
    }

    /** On the sender thread: publishes every batch that may leave, then waits for the next one that will be due. */
    private void drain() {
        while (true) {
            List<Pending> records;
            synchronized (lock) {
                drainScheduled = false;
                records = takeBatch(false);
                if (records == null) {
                    if (!waiting.isEmpty() && batchesInFlight < batching.maxBatchesInFlight()) {
                        drainIn(oldestWaitingSinceNanos + batching.linger().toNanos() - System.nanoTime());
                    } // else a confirm frees a slot and drains again
                    return;
                }
            }
            send(records);
        }
    }

    /**
     * The next batch's records, when one may leave: a slot is free (or {@code force}, at close) and
     * {@code maxRecords} wait, or the oldest waited its linger (or {@code force}). Holds lock.
     */
    private List<Pending> takeBatch(boolean force) {
        if (waiting.isEmpty() || (!force && batchesInFlight >= batching.maxBatchesInFlight())) {
            return null;
        }
        boolean lingered = System.nanoTime() - oldestWaitingSinceNanos >= batching.linger().toNanos();
        if (!force && !lingered && waiting.size() < batching.maxRecords()) {
            return null;
        }
        List<Pending> records = new ArrayList<>(Math.min(waiting.size(), batching.maxRecords()));
        while (!waiting.isEmpty() && records.size() < batching.maxRecords()) {
            records.add(waiting.poll());
        }
        oldestWaitingSinceNanos = System.nanoTime();
        batchesInFlight++;
        return records;
    }

    /** Encodes and publishes one batch; its records complete when the broker confirmed it. */
    private void send(List<Pending> records) {
        List<SensorRecord> content = new ArrayList<>(records.size());
        records.forEach(pending -> content.add(pending.record()));
        String messageId = out.connectionName() + "#" + batchNumbers.incrementAndGet();
        CompletableFuture<Void> batchConfirmed = new CompletableFuture<>();
        batchConfirmed.whenComplete((ignored, error) -> settled(records, error));
        try {
            out.publish(new ConfirmedPublisher.Outgoing(RecordMessages.batchProperties(messageId),
                    RecordMessages.batchBody(content), records.size(),
                    "batch " + messageId + " (" + records.size() + " records)", batchConfirmed));
        } catch (RuntimeException e) {
            batchConfirmed.completeExceptionally(e); // not publishable at all (a record the codec cannot encode)
        }
    }

    /** A batch was confirmed (or failed at close): its records complete together and its slot goes to the next. */
    private void settled(List<Pending> records, Throwable error) {
        for (Pending pending : records) {
            buffer.release();
            if (error == null) {
                pending.confirmed().complete(null);
            } else {
                pending.confirmed().completeExceptionally(error);
            }
        }
        (error == null ? confirmed : failed).addAndGet(records.size());
        if (error == null) {
            batchesConfirmed.incrementAndGet();
        }
        synchronized (lock) {
            batchesInFlight--;
            if (!waiting.isEmpty()) {
                drainIn(0); // due or not, the drain on the sender thread decides; never publish on the library's thread
            }
        }
    }

    public Stats stats() {
        return new Stats(confirmed.get(), failed.get(), batchesConfirmed.get());
    }

    /** Records waiting for a batch or in a batch not yet confirmed. */
    public long unconfirmed() {
        return batching.maxBuffered() - buffer.availablePermits();
    }

    /** Batches published again after a lost connection or a nack, since the start. */
    public long republished() {
        return out.republished();
    }

    /** The connection's name, as the broker lists it (client property {@code connection_name}). */
    public String connectionName() {
        return out.connectionName();
    }

    /**
     * The record publisher's meters, under the same names (messages published, confirmed and nacked, a batch being
     * one; records published again and unconfirmed now), and the records confirmed and failed.
     */
    @Override
    public List<Measurement> measurements() {
        Stats stats = stats();
        return List.of(
                Measurement.counter("meteo.rabbit.published", "messages published to the work queue (a batch is one), "
                        + "repeats included", out.published()),
                Measurement.counter("meteo.rabbit.confirms", "messages the broker confirmed (a batch is one)", out.confirms()),
                Measurement.counter("meteo.rabbit.nacks", "messages the broker nacked (published again)", out.nacks()),
                Measurement.counter("meteo.rabbit.republished", "records published again after a lost connection or a "
                        + "nack (in the batches published again)", out.republishedRecords()),
                Measurement.gauge("meteo.rabbit.unconfirmed", "records waiting for a batch or in one not yet confirmed",
                        unconfirmed()),
                Measurement.counter("meteo.rabbit.batch.records.confirmed", "records whose batch the broker confirmed",
                        stats.confirmed()),
                Measurement.counter("meteo.rabbit.batch.records.failed", "records not sent (buffer full) or unconfirmed "
                        + "at close", stats.failed()));
    }

    /**
     * Stops accepting records, publishes what waits (the in-flight bound aside), waits (bounded by the settings'
     * close timeout) for the confirms, then closes the connection; records still unconfirmed then fail.
     */
    @Override
    public void close() {
        List<List<Pending>> flush = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            List<Pending> records;
            while ((records = takeBatch(true)) != null) {
                flush.add(records);
            }
        }
        sender.shutdown(); // a drain under way finishes; lingering ones find nothing left
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush.forEach(this::send);
        out.close();
    }

    @Override
    public String toString() {
        return "RabbitBatchPublisher[" + connectionName() + " -> " + out.workQueue() + "]";
    }
}
