package dev.meteo.grpc.sensor;

import dev.meteo.grpc.internal.Batches;
import dev.meteo.grpc.GrpcTlsSettings;
import dev.meteo.grpc.internal.GrpcServers;
import dev.meteo.grpc.internal.RetryPolicy;
import dev.meteo.grpc.proto.BatchReply;
import dev.meteo.grpc.proto.LoadBalancerGrpc;
import dev.meteo.proto.RecordBatch;
import dev.meteo.grpc.proto.RecordOutcome;
import dev.meteo.grpc.proto.StoreOutcome;
import dev.meteo.internal.Backoff;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.internal.TroubleLog;
import dev.meteo.metrics.Measured;
import dev.meteo.metrics.Measurement;
import dev.meteo.model.InvalidRecordException;
import dev.meteo.model.SensorRecord;
import dev.meteo.sensor.RecordPublisher;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The batched client of the load balancer, for many sensors in one process (a fleet) or one fast sensor: records
 * from every caller are grouped into {@code SendBatch} calls on one channel, and each record's future completes from
 * its own outcome in the reply, once it is stored (in its window, late or a duplicate), or fails with
 * {@link InvalidRecordException} and the server's reason. Same contract as {@link GrpcRecordPublisher} otherwise.
 *
 * <p>Batching and flow control ({@link RecordBatchSettings}): a call leaves when {@code maxRecords} are waiting, or
 * when the oldest has waited {@code linger}; at most {@code maxBatchesInFlight} calls are unanswered, and while they
 * are all out records wait, so batches grow with the load and the calls per second do not. At most
 * {@code maxBuffered} records are accepted and unconfirmed; beyond, {@link #publish} fails at once with
 * {@link RejectedExecutionException} and does not send the record.
 *
 * <p>Retries: a call that fails for a reason of the peer (load balancer unreachable, no live server, deadline) is
 * sent again whole, after an exponential backoff with jitter, until {@code giveUpAfter}; it keeps its place in flight
 * meanwhile. Safe because stores deduplicate by record identity: records of the batch stored by a server that then
 * failed come back as duplicates.
 *
 * <p>Threading: {@link #publish} is thread-safe and never waits for the network; outcomes complete the futures on the
 * transport's threads ({@code directExecutor}); lingering calls and retries wait on one timer thread.
 */
public final class GrpcBatchPublisher implements RecordPublisher, Measured {

    private static final Logger LOG = Logger.getLogger(GrpcBatchPublisher.class.getName());
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    /** Counters: records confirmed, records sent again in a retried call, records failed, calls answered. */
    public record Stats(long confirmed, long retried, long failed, long batches) {
    }

    private record Pending(SensorRecord record, CompletableFuture<Void> done) {
    }

    /** One call's records, sent again whole on a retry. */
    private final class Batch {
        final List<Pending> records;
        final RecordBatch request;
        final long startNanos = System.nanoTime();

        Batch(List<Pending> records) {
            this.records = records;
            RecordBatch.Builder builder = RecordBatch.newBuilder();
            records.forEach(pending -> builder.addReadings(Batches.reading(pending.record())));
            this.request = builder.build();
        }
    }

    private final RecordPublisherSettings settings;
    private final RecordBatchSettings batching;
    private final ManagedChannel channel;
    private final LoadBalancerGrpc.LoadBalancerStub stub;
    private final ScheduledExecutorService timer;
    private final Semaphore buffer;
    private final Object lock = new Object();
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>(); // guarded by lock
    private int batchesInFlight; // guarded by lock
    private long oldestWaitingSinceNanos; // guarded by lock; meaningful while waiting is not empty
    private boolean lingerScheduled; // guarded by lock
    private final Set<Batch> outstanding = ConcurrentHashMap.newKeySet();
    private final AtomicLong confirmed = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final TroubleLog trouble;
    private final Backoff backoff;
    private final AtomicLong lastReconnectNanos = new AtomicLong(System.nanoTime());
    private volatile boolean closed;

    private GrpcBatchPublisher(RecordPublisherSettings settings, RecordBatchSettings batching, GrpcTlsSettings tls) {
        this.settings = settings;
        this.batching = batching;
        this.backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff());
        this.trouble = new TroubleLog(
                problem -> LOG.warning("batch publisher: waiting for the load balancer at " + settings.balancers()
                        + ", which cannot take records yet (" + problem + "); retrying with backoff"),
                () -> LOG.info("batch publisher: the load balancer at " + settings.balancers() + " answers again"),
                TroubleLog.QUIET_PERIOD);
        this.channel = GrpcServers.channel(settings.balancers(), tls);
        this.stub = LoadBalancerGrpc.newStub(channel);
        this.buffer = new Semaphore(settings.maxBuffered());
        this.timer = Executors.newSingleThreadScheduledExecutor(new DaemonThreadFactory("batch-publisher"));
    }

    /** Opens the channel to the load balancer (connected lazily: the load balancer may start later). */
    public static GrpcBatchPublisher open(RecordPublisherSettings settings, RecordBatchSettings batching) {
        return open(settings, batching, GrpcTlsSettings.plaintext());
    }

    /** As {@link #open(RecordPublisherSettings, RecordBatchSettings)}, calling the load balancers as {@code tls} says. */
    public static GrpcBatchPublisher open(RecordPublisherSettings settings, RecordBatchSettings batching,
                                          GrpcTlsSettings tls) {
        return new GrpcBatchPublisher(settings, batching, tls);
    }

    /**
     * Queues a record for the next call; the future completes once a compute server stored its coefficient, or fails
     * with {@link InvalidRecordException} (rejected, with the reason), {@link RejectedExecutionException} (buffer
     * full, not sent) or {@link RecordNotDeliveredException} (retried until {@code giveUpAfter}, or closed).
     */
    @Override
    public CompletableFuture<Void> publish(SensorRecord record) {
        if (closed) {
            return CompletableFuture.failedFuture(new RejectedExecutionException("batch publisher is closed"));
        }
        if (!buffer.tryAcquire()) {
            failed.incrementAndGet();
            return CompletableFuture.failedFuture(new RejectedExecutionException("record " + record.id()
                    + " not sent: " + settings.maxBuffered() + " records already wait for the load balancer"));
        }
        Pending pending = new Pending(record, new CompletableFuture<>());
        Batch ready;
        synchronized (lock) {
            if (waiting.isEmpty()) {
                oldestWaitingSinceNanos = System.nanoTime();
            }
            waiting.add(pending);
            ready = takeBatch(false);
            if (ready == null) {
                scheduleLinger();
            }
        }
        if (ready != null) {
            send(ready, 0);
        }
        return pending.done();
    }

    /**
     * The next call's records, when a call may leave: a slot is free and {@code maxRecords} wait, or the oldest waited
     * its linger (or {@code force}). Holds lock.
     */
    private Batch takeBatch(boolean force) {
        if (waiting.isEmpty() || batchesInFlight >= batching.maxBatchesInFlight()) {
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
        return new Batch(records);
    }

    /** Makes sure a call leaves once the oldest waiting record has lingered. Holds lock. */
    private void scheduleLinger() {
        if (lingerScheduled || waiting.isEmpty() || closed) {
            return;
        }
        long dueNanos = oldestWaitingSinceNanos + batching.linger().toNanos() - System.nanoTime();
        lingerScheduled = true;
        try {
            timer.schedule(this::lingered, Math.max(0, dueNanos), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            lingerScheduled = false;
        }
    }

    private void lingered() {
        Batch ready;
        synchronized (lock) {
            lingerScheduled = false;
            ready = takeBatch(false);
            if (ready == null && batchesInFlight < batching.maxBatchesInFlight()) {
                scheduleLinger(); // not due yet: a call left meanwhile and the oldest record is younger
            }
        }
        if (ready != null) {
            send(ready, 0);
        }
    }

    /** A call ended (answered, or given up): its slot goes to the records waiting, if any is due. */
    private void slotFreed() {
        Batch ready;
        synchronized (lock) {
            batchesInFlight--;
            ready = takeBatch(closed);
            if (ready == null) {
                scheduleLinger();
            }
        }
        if (ready != null) {
            send(ready, 0);
        }
    }

    private void send(Batch batch, int attempt) {
        outstanding.add(batch);
        if (attempt > 0) {
            reconnectSoon();
        }
        long remainingMillis = settings.giveUpAfter().toMillis()
                - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - batch.startNanos);
        stub.withDeadlineAfter(Math.max(1, Math.min(settings.callDeadline().toMillis(), remainingMillis)), TimeUnit.MILLISECONDS)
                .sendBatch(batch.request, new StreamObserver<>() {
                    private BatchReply reply;

                    @Override
                    public void onNext(BatchReply value) {
                        reply = value;
                    }

                    @Override
                    public void onError(Throwable error) {
                        failedAttempt(batch, attempt, Status.fromThrowable(error));
                    }

                    @Override
                    public void onCompleted() {
                        if (reply == null || reply.getOutcomesCount() != batch.records.size()) {
                            failedAttempt(batch, attempt, Status.INTERNAL.withDescription("the load balancer answered "
                                    + (reply == null ? 0 : reply.getOutcomesCount()) + " outcomes for "
                                    + batch.records.size() + " records"));
                            return;
                        }
                        trouble.recovered();
                        batches.incrementAndGet();
                        answered(batch, reply);
                    }
                });
    }

    private void answered(Batch batch, BatchReply reply) {
        if (!outstanding.remove(batch)) {
            return; // failed by close() meanwhile
        }
        for (int i = 0; i < batch.records.size(); i++) {
            Pending pending = batch.records.get(i);
            RecordOutcome outcome = reply.getOutcomes(i);
            if (outcome.getOutcome() == StoreOutcome.STORE_OUTCOME_REJECTED) {
                failed.incrementAndGet();
                finish(pending, new InvalidRecordException(pending.record().id(), outcome.getRejection()));
            } else {
                confirmed.incrementAndGet();
                finish(pending, null);
            }
        }
        slotFreed();
    }

    private void failedAttempt(Batch batch, int attempt, Status status) {
        long wait = backoff.delayMillis(attempt);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - batch.startNanos);
        if (!RetryPolicy.isPeerFault(status.getCode()) || closed || elapsedMillis + wait >= settings.giveUpAfter().toMillis()) {
            String hint = status.getCode() == Status.Code.UNIMPLEMENTED
                    ? " (a load balancer without batched calls: send one record per call instead)" : "";
            giveUp(batch, attempt + 1, status.withDescription(status.getDescription() + hint));
            return;
        }
        if (status.getCode() == Status.Code.UNAVAILABLE) {
            trouble.problem(status.getCode() + ": " + status.getDescription());
        }
        retried.addAndGet(batch.records.size());
        try {
            timer.schedule(() -> send(batch, attempt + 1), wait, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closedMeanwhile) {
            giveUp(batch, attempt + 1, status);
        }
    }

    private void giveUp(Batch batch, int attempts, Status status) {
        if (!outstanding.remove(batch)) {
            return;
        }
        for (Pending pending : batch.records) {
            failed.incrementAndGet();
            finish(pending, new RecordNotDeliveredException(pending.record().id(), attempts, status));
        }
        slotFreed();
    }

    private void finish(Pending pending, Throwable error) {
        buffer.release();
        if (error == null) {
            pending.done().complete(null);
        } else {
            pending.done().completeExceptionally(error);
        }
    }

    /** See {@link GrpcRecordPublisher}: reconnect at this publisher's backoff pace rather than gRPC's (up to 2 min). */
    private void reconnectSoon() {
        long now = System.nanoTime();
        long last = lastReconnectNanos.get();
        if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE
                && now - last >= settings.initialBackoff().toNanos() && lastReconnectNanos.compareAndSet(last, now)) {
            channel.resetConnectBackoff();
        }
    }

    public Stats stats() {
        return new Stats(confirmed.get(), retried.get(), failed.get(), batches.get());
    }

    /** Records confirmed, sent again, failed, and calls answered. */
    @Override
    public List<Measurement> measurements() {
        Stats stats = stats();
        return List.of(
                Measurement.counter("meteo.grpc.records.confirmed", "records the load balancer answered: stored",
                        stats.confirmed()),
                Measurement.counter("meteo.grpc.records.retried", "records sent again in a retried call", stats.retried()),
                Measurement.counter("meteo.grpc.records.failed", "records failed: invalid, given up, or buffer full",
                        stats.failed()),
                Measurement.counter("meteo.grpc.batches", "batch calls the load balancer answered", stats.batches()));
    }

    /**
     * Stops accepting records, sends what waits, lets calls finish for a few seconds, then fails whatever is left
     * (records waiting for a retry included) with {@link RecordNotDeliveredException}.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        List<Batch> flush = new ArrayList<>();
        synchronized (lock) {
            closed = true;
            Batch batch;
            while ((batch = takeBatch(true)) != null) {
                flush.add(batch);
            }
        }
        flush.forEach(batch -> send(batch, 0));
        long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
        while (System.nanoTime() < deadline && (!outstanding.isEmpty() || waitingCount() > 0)) {
            try {
                Thread.sleep(10); // the calls complete on the transport's threads: nothing to wait on but their end
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        timer.shutdownNow();
        GrpcServers.close(channel, Duration.ofSeconds(1));
        Status cancelled = Status.CANCELLED.withDescription("batch publisher closed");
        for (Batch batch : Set.copyOf(outstanding)) {
            giveUp(batch, 1, cancelled);
        }
        List<Pending> left = new ArrayList<>();
        synchronized (lock) {
            left.addAll(waiting);
            waiting.clear();
        }
        for (Pending pending : left) {
            failed.incrementAndGet();
            finish(pending, new RecordNotDeliveredException(pending.record().id(), 0, cancelled));
        }
    }

    private int waitingCount() {
        synchronized (lock) {
            return waiting.size();
        }
    }
}
