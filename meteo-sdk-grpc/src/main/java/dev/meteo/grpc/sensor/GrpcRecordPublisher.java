package dev.meteo.grpc.sensor;

import dev.meteo.grpc.GrpcTlsSettings;
import dev.meteo.grpc.internal.GrpcServers;
import dev.meteo.grpc.internal.RetryPolicy;
import dev.meteo.grpc.proto.LoadBalancerGrpc;
import dev.meteo.grpc.proto.ProcessReply;
import dev.meteo.internal.Backoff;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.internal.TroubleLog;
import dev.meteo.model.InvalidRecordException;
import dev.meteo.model.RawMeteoData;
import dev.meteo.model.RawPollutionData;
import dev.meteo.model.SensorRecord;
import dev.meteo.proto.ProtoCodec;
import dev.meteo.sensor.RecordPublisher;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import dev.meteo.metrics.Measured;
import dev.meteo.metrics.Measurement;
import java.time.Duration;
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
 * A sensor's gRPC client of the load balancer. One channel is reused for every record and calls are asynchronous, so
 * many records are in flight at once (an async stub with many calls in flight is far faster than one blocking
 * thread). With several load balancers, the channel spreads calls over those that answer (gRPC's round_robin) and a
 * retry goes to one that is up. Each attempt has a deadline; a record whose attempt fails for a reason of the peer (load balancer
 * unreachable, no live compute server, deadline) is sent again after an exponential backoff with jitter until
 * {@code giveUpAfter}, which is safe because stores deduplicate by record identity. A record rejected as invalid
 * fails at once with {@link InvalidRecordException} carrying the server's reason.
 *
 * <p>Bounded buffer: at most {@code maxBuffered} records are accepted and unconfirmed. When it is full (the load
 * balancer is down or slower than the sensors), {@link #publish} does not block and does not queue: the returned
 * future fails at once with {@link RejectedExecutionException} and the record is not sent. (A {@code Sensor} keeps its
 * own, smaller in-flight bound and skips readings before this one fills.)
 *
 * <p>Threading: futures complete on the transport's threads ({@code directExecutor}, the fastest choice measured
 * here); callbacks attached to them must not block. Retries wait on one timer thread.
 */
public final class GrpcRecordPublisher implements RecordPublisher, Measured {

    private static final Logger LOG = Logger.getLogger(GrpcRecordPublisher.class.getName());
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    /** Counters: records confirmed, attempts retried, records failed (invalid, given up or refused by a full buffer). */
    public record Stats(long confirmed, long retried, long failed) {
    }

    private final RecordPublisherSettings settings;
    private final ManagedChannel channel;
    private final LoadBalancerGrpc.LoadBalancerStub stub;
    private final ScheduledExecutorService retryTimer;
    private final Semaphore buffer;
    private final Set<CompletableFuture<Void>> outstanding = ConcurrentHashMap.newKeySet();
    private final AtomicLong confirmed = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /** The load balancer unreachable or without servers: said when it starts and when it ends, not per record. */
    private final TroubleLog trouble;
    private final Backoff backoff;
    private final AtomicLong lastReconnectNanos = new AtomicLong(System.nanoTime());
    private volatile boolean closed;

    private GrpcRecordPublisher(RecordPublisherSettings settings, GrpcTlsSettings tls) {
        this.settings = settings;
        this.backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff());
        this.trouble = new TroubleLog(
                problem -> LOG.warning("record publisher: waiting for the load balancer at " + where(settings)
                        + ", which cannot take records yet (" + problem + "); retrying with backoff"),
                () -> LOG.info("record publisher: the load balancer at " + where(settings) + " answers again"),
                TroubleLog.QUIET_PERIOD);
        this.channel = GrpcServers.channel(settings.balancers(), tls);
        this.stub = LoadBalancerGrpc.newStub(channel);
        this.buffer = new Semaphore(settings.maxBuffered());
        this.retryTimer = Executors.newSingleThreadScheduledExecutor(new DaemonThreadFactory("record-publisher-retries"));
    }

    private static String where(RecordPublisherSettings settings) {
        return settings.balancers().size() == 1 ? settings.balancers().get(0).toString()
                : "any of " + settings.balancers();
    }

    /** Opens the channel to the load balancer (connected lazily: the load balancer may start later). */
    public static GrpcRecordPublisher open(RecordPublisherSettings settings) {
        return open(settings, GrpcTlsSettings.plaintext());
    }

    /** As {@link #open(RecordPublisherSettings)}, calling the load balancers as {@code tls} says. */
    public static GrpcRecordPublisher open(RecordPublisherSettings settings, GrpcTlsSettings tls) {
        return new GrpcRecordPublisher(settings, tls);
    }

    /**
     * Sends a record; the future completes once a compute server stored its coefficient, or fails with
     * {@link InvalidRecordException} (rejected), {@link RejectedExecutionException} (buffer full, not sent) or
     * {@link RecordNotDeliveredException} (retried until {@code giveUpAfter}, or the publisher was closed).
     */
    @Override
    public CompletableFuture<Void> publish(SensorRecord record) {
        if (closed) {
            return CompletableFuture.failedFuture(new RejectedExecutionException("record publisher is closed"));
        }
        if (!buffer.tryAcquire()) {
            failed.incrementAndGet();
            return CompletableFuture.failedFuture(new RejectedExecutionException("record " + record.id()
                    + " not sent: " + settings.maxBuffered() + " records already wait for the load balancer"));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        outstanding.add(done);
        send(record, done, System.nanoTime(), 0);
        return done;
    }

    private void send(SensorRecord record, CompletableFuture<Void> done, long startNanos, int attempt) {
        if (done.isDone()) {
            return; // failed by close()
        }
        if (attempt > 0) {
            reconnectSoon();
        }
        long remainingMillis = settings.giveUpAfter().toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        LoadBalancerGrpc.LoadBalancerStub call = stub.withDeadlineAfter(
                Math.max(1, Math.min(settings.callDeadline().toMillis(), remainingMillis)), TimeUnit.MILLISECONDS);
        StreamObserver<ProcessReply> observer = new StreamObserver<>() {
            @Override
            public void onNext(ProcessReply reply) {
            }

            @Override
            public void onError(Throwable error) {
                failedAttempt(record, done, startNanos, attempt, Status.fromThrowable(error));
            }

            @Override
            public void onCompleted() {
                trouble.recovered();
                confirmed.incrementAndGet();
                finish(done, null);
            }
        };
        if (record instanceof RawMeteoData air) {
            call.sendMeteoData(ProtoCodec.toProto(air), observer);
        } else {
            call.sendPollutionData(ProtoCodec.toProto((RawPollutionData) record), observer);
        }
    }

    private void failedAttempt(SensorRecord record, CompletableFuture<Void> done, long startNanos, int attempt, Status status) {
        if (status.getCode() == Status.Code.INVALID_ARGUMENT) {
            InvalidRecordException invalid = new InvalidRecordException(record.id(), status.getDescription());
            invalid.initCause(status.asRuntimeException());
            failed.incrementAndGet();
            finish(done, invalid);
            return;
        }
        long wait = backoff.delayMillis(attempt);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        if (!RetryPolicy.isPeerFault(status.getCode()) || closed || elapsedMillis + wait >= settings.giveUpAfter().toMillis()) {
            failed.incrementAndGet();
            finish(done, new RecordNotDeliveredException(record.id(), attempt + 1, status));
            return;
        }
        if (status.getCode() == Status.Code.UNAVAILABLE) {
            trouble.problem(status.getCode() + ": " + status.getDescription());
        }
        retried.incrementAndGet();
        try {
            retryTimer.schedule(() -> send(record, done, startNanos, attempt + 1), wait, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closedMeanwhile) {
            failed.incrementAndGet();
            finish(done, new RecordNotDeliveredException(record.id(), attempt + 1, status));
        }
    }

    /**
     * While the load balancer is down, gRPC waits up to 2 minutes between reconnections, failing calls at once
     * meanwhile; reconnect at this publisher's own backoff pace instead (at most once per initial backoff).
     */
    private void reconnectSoon() {
        long now = System.nanoTime();
        long last = lastReconnectNanos.get();
        if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE
                && now - last >= settings.initialBackoff().toNanos() && lastReconnectNanos.compareAndSet(last, now)) {
            channel.resetConnectBackoff();
        }
    }

    private void finish(CompletableFuture<Void> done, Throwable error) {
        if (!outstanding.remove(done)) {
            return; // already finished (by close())
        }
        buffer.release();
        if (error == null) {
            done.complete(null);
        } else {
            done.completeExceptionally(error);
        }
    }

    /** Records confirmed, attempts retried, records failed. */
    @Override
    public List<Measurement> measurements() {
        Stats stats = stats();
        return List.of(
                Measurement.counter("meteo.grpc.records.confirmed", "records the load balancer answered: stored",
                        stats.confirmed()),
                Measurement.counter("meteo.grpc.records.retried", "attempts retried after a failure of a peer",
                        stats.retried()),
                Measurement.counter("meteo.grpc.records.failed", "records failed: invalid, given up, or buffer full",
                        stats.failed()));
    }

    public Stats stats() {
        return new Stats(confirmed.get(), retried.get(), failed.get());
    }

    /**
     * Stops accepting records, lets calls in flight finish for a few seconds, then fails whatever is left (records
     * waiting for a retry included) with {@link RecordNotDeliveredException}.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        retryTimer.shutdownNow();
        GrpcServers.close(channel, CLOSE_GRACE);
        for (CompletableFuture<Void> done : Set.copyOf(outstanding)) {
            finish(done, new RecordNotDeliveredException(null, 0, Status.CANCELLED.withDescription("record publisher closed")));
        }
    }
}
