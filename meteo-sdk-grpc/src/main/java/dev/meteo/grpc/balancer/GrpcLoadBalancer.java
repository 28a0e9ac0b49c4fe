package dev.meteo.grpc.balancer;

import dev.meteo.compute.RoundRobin;
import dev.meteo.grpc.Endpoint;
import dev.meteo.grpc.GrpcTlsSettings;
import dev.meteo.grpc.internal.GrpcServers;
import dev.meteo.grpc.internal.Registrar;
import dev.meteo.grpc.internal.RetryPolicy;
import dev.meteo.grpc.proto.BatchReply;
import dev.meteo.grpc.proto.ComputeServerGrpc;
import dev.meteo.grpc.proto.Lease;
import dev.meteo.grpc.proto.LoadBalancerGrpc;
import dev.meteo.grpc.proto.Member;
import dev.meteo.grpc.proto.Members;
import dev.meteo.grpc.proto.MembersRequest;
import dev.meteo.grpc.proto.ProcessReply;
import dev.meteo.proto.RecordBatch;
import dev.meteo.grpc.proto.Registration;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.metrics.Measured;
import dev.meteo.metrics.Measurement;
import dev.meteo.proto.RawMeteoData;
import dev.meteo.proto.RawPollutionData;
import io.grpc.Context;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.logging.Logger;

/**
 * The load balancer of direct mode: sensors send records here, one per call or many per call (a batch); each call
 * goes to the next live compute server in turn ({@link RoundRobin}: per batch for batches, so that a batch stays one
 * store write on one server and the relay's cost is per call, not per record), and the sensor's call completes with
 * that server's reply, i.e. once the coefficients are stored. A server that fails the record for a reason of its own (UNAVAILABLE, DEADLINE_EXCEEDED, a call cut by a
 * crash...) is skipped and the record is retried on the next server, so no record is lost while one server lives;
 * this is safe because stores are idempotent by record identity. INVALID_ARGUMENT and other errors about the record
 * itself pass through unchanged. When every live server failed the record, the sensor gets UNAVAILABLE and retries.
 *
 * <p>Membership: servers register (and renew) through {@code RegisterServer} and are forgotten when their lease runs
 * out; servers of the static list never expire. Every {@code healthCheckInterval} each server's {@code grpc.health.v1}
 * status is checked (deadline: the interval, at least 5 s): a server that answers NOT_SERVING or cannot be reached
 * leaves the rotation at once, one that misses three checks in a row (a check queues behind the records on a busy
 * connection, so a late answer proves little; a crashed server is caught at once by a refused connection) leaves then; it comes back when a check passes again (a renewal
 * of a server out of rotation triggers a check at once). A call failing with UNAVAILABLE takes its server out of the
 * rotation at once, until a health check passes.
 *
 * <p>Silence: a server whose host is cut off the network answers nothing and refuses nothing; its calls would wait
 * out the attempt deadline, and its records turn late. So every answer from a server (a reply, a health check, a
 * renewal) is noted, and a server that answered nothing for {@code silenceTimeout} (health checks go out every
 * {@code healthCheckInterval}, so a live one is never silent that long) leaves the rotation and the attempts it holds
 * are cancelled and retried on the next server at once. It comes back when a health check passes again.
 *
 * <p>Threading: a pure relay, it never decodes records and never blocks, so the server and the server channels run on
 * the transport threads ({@code directExecutor}, several times faster than gRPC's default pool on few cores);
 * health checks and lease expiry run on one timer thread.
 */
public final class GrpcLoadBalancer implements AutoCloseable, Measured {

    private static final Logger LOG = Logger.getLogger(GrpcLoadBalancer.class.getName());
    /** A server that answers NOT_SERVING or refuses the connection leaves at once; one that is late, at the 3rd miss. */
    private static final int MISSED_CHECKS_TOLERATED = 3;

    /**
     * Counters, in records (a batch counts its records): answered, retried on another server, failed back to the
     * sensor.
     */
    public record Stats(long forwarded, long retried, long failed) {
    }

    /**
     * One compute server as the load balancer sees it now.
     *
     * @param id       the id it registered with ({@code static} for one of the static list)
     * @param address  {@code host:port}
     * @param live     whether it is in the rotation (registered, healthy)
     * @param calls    records sent to it since it became known
     * @param failures of those, the attempts it failed (retried on another server)
     * @param problem  why it is out of the rotation, or {@code null}
     */
    public record BackendStatus(String id, String address, boolean live, long calls, long failures, String problem) {
    }

    private final LoadBalancerSettings settings;
    private final GrpcTlsSettings tls;
    private final Registrar registrar;
    private final Server server;
    private final HealthStatusManager health = new HealthStatusManager();
    private final Map<String, Backend> known = new ConcurrentHashMap<>();
    private final RoundRobin<Backend> rotation = new RoundRobin<>();
    private final ScheduledExecutorService timer;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong silenced = new AtomicLong();
    /** The check interval, but at least 5 s: a cold JVM or a saturated machine must not read as a dead server. */
    private final long healthCheckDeadlineMillis;
    /** The settings' silence timeout, but two check intervals at least: a live server is heard once per check. */
    private final long silenceTimeoutNanos;
    private final long silenceCheckNanos;
    /** When the silence check last ran (timer thread only). */
    private long lastSilenceCheckNanos;
    private volatile boolean closed;

    private GrpcLoadBalancer(LoadBalancerSettings settings, GrpcTlsSettings tls) {
        this.settings = settings;
        this.tls = tls;
        this.healthCheckDeadlineMillis = Math.max(5000, settings.healthCheckInterval().toMillis());
        this.silenceTimeoutNanos = Math.max(settings.silenceTimeout().toNanos(), 2 * settings.healthCheckInterval().toNanos());
        this.silenceCheckNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(10, Math.min(250, settings.healthCheckInterval().toMillis() / 4)));
        this.lastSilenceCheckNanos = System.nanoTime();
        for (Endpoint endpoint : settings.staticServers()) {
            Backend backend = new Backend(endpoint, "static", true, tls);
            known.put(endpoint.toString(), backend);
            rotation.add(backend);
        }
        this.registrar = new Registrar("load balancer", "compute server", settings.deployment(), settings.serverLease(),
                new Registrar.Peers() {
                    @Override
                    public Status register(Registration registration, Endpoint address, long leaseEndNanos) {
                        GrpcLoadBalancer.this.register(registration.getId(), address, leaseEndNanos);
                        return null;
                    }

                    @Override
                    public List<Member> members() {
                        return backends().stream().map(backend -> Registrar.member(backend.id(), backend.address(),
                                backend.live(), backend.problem()).setCalls(backend.calls()).build()).toList();
                    }
                });
        this.server = GrpcServers.start(settings.bindHost(), settings.port(), tls, builder -> builder
                .directExecutor()
                .addService(new Service())
                .addService(health.getHealthService()));
        this.timer = Executors.newSingleThreadScheduledExecutor(new DaemonThreadFactory("load-balancer-health"));
        long interval = settings.healthCheckInterval().toMillis();
        timer.scheduleWithFixedDelay(this::checkServers, interval, interval, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::checkSilence, silenceCheckNanos, silenceCheckNanos, TimeUnit.NANOSECONDS);
        LOG.info("load balancer listening on " + settings.bindHost() + ":" + server.getPort() + " with "
                + settings.staticServers().size() + " static servers");
    }

    /**
     * Starts the load balancer: binds, serves sensors and registrations, starts checking servers.
     *
     * @throws java.io.UncheckedIOException when the address cannot be bound
     */
    public static GrpcLoadBalancer start(LoadBalancerSettings settings) {
        return start(settings, GrpcTlsSettings.plaintext());
    }

    /**
     * As {@link #start(LoadBalancerSettings)}, serving sensors and registrations and calling compute servers as
     * {@code tls} says (under mutual TLS, only clients with a certificate the CA signed are served).
     */
    public static GrpcLoadBalancer start(LoadBalancerSettings settings, GrpcTlsSettings tls) {
        return new GrpcLoadBalancer(settings, tls);
    }

    /** The port actually bound (the ephemeral one when the settings asked for 0). */
    public int port() {
        return server.getPort();
    }

    /** The {@code host:port} of the servers currently in the rotation. */
    public List<String> liveServers() {
        return rotation.members().stream().map(backend -> backend.endpoint.toString()).toList();
    }

    public Stats stats() {
        return new Stats(forwarded.get(), retried.get(), failed.get());
    }

    /** Every server known now (live or not), by address. */
    public List<BackendStatus> backends() {
        List<Backend> live = rotation.members();
        return known.values().stream()
                .sorted(Comparator.comparing(backend -> backend.endpoint.toString()))
                .map(backend -> new BackendStatus(backend.id, backend.endpoint.toString(), live.contains(backend),
                        backend.calls.get(), backend.failures.get(), live.contains(backend) ? null : backend.problem))
                .toList();
    }

    /** Backends live and known, servers dropped, records forwarded, retried, failed, and calls per backend. */
    @Override
    public List<Measurement> measurements() {
        List<Measurement> all = new ArrayList<>();
        List<BackendStatus> backends = backends();
        all.add(Measurement.gauge("meteo.lb.backends.live", "compute servers in the rotation",
                backends.stream().filter(BackendStatus::live).count()));
        all.add(Measurement.gauge("meteo.lb.backends.known", "compute servers registered or static, live or not",
                backends.size()));
        all.add(Measurement.counter("meteo.lb.backends.dropped", "compute servers forgotten: their lease ran out",
                dropped.get()));
        all.add(Measurement.counter("meteo.lb.backends.silenced", "times a compute server answered nothing for the "
                + "silence timeout: out of rotation, its calls in flight retried elsewhere", silenced.get()));
        all.add(Measurement.counter("meteo.lb.records.forwarded", "records a compute server answered", forwarded.get()));
        all.add(Measurement.counter("meteo.lb.records.retried", "attempts a server failed, retried on the next",
                retried.get()));
        all.add(Measurement.counter("meteo.lb.records.failed", "records no live server could take, failed back to "
                + "the sensor (UNAVAILABLE)", failed.get()));
        for (BackendStatus backend : backends) {
            all.add(Measurement.counter("meteo.lb.backend.calls", "attempts sent to one compute server",
                    backend.calls()).tagged("backend", backend.address()));
            all.add(Measurement.counter("meteo.lb.backend.failures", "attempts one compute server failed",
                    backend.failures()).tagged("backend", backend.address()));
        }
        return all;
    }

    private final class Service extends LoadBalancerGrpc.LoadBalancerImplBase {
        @Override
        public void sendMeteoData(RawMeteoData request, StreamObserver<ProcessReply> sensor) {
            new Relay<ProcessReply>((stub, observer) -> stub.processMeteoData(request, observer), sensor, 1).next();
        }

        @Override
        public void sendPollutionData(RawPollutionData request, StreamObserver<ProcessReply> sensor) {
            new Relay<ProcessReply>((stub, observer) -> stub.processPollutionData(request, observer), sensor, 1).next();
        }

        /** Round robin per batch: a batch is one store write on one server, and the relay stays one call per call. */
        @Override
        public void sendBatch(RecordBatch request, StreamObserver<BatchReply> sensor) {
            new Relay<BatchReply>((stub, observer) -> stub.processBatch(request, observer), sensor,
                    request.getReadingsCount()).next();
        }

        @Override
        public void listServers(MembersRequest request, StreamObserver<Members> observer) {
            registrar.list(observer);
        }

        @Override
        public void registerServer(Registration request, StreamObserver<Lease> observer) {
            registrar.register(request, observer);
        }
    }

    /** Registers or renews a compute server (the {@link Registrar} checked it belongs to the deployment). */
    private void register(String id, Endpoint endpoint, long leaseEnd) {
        boolean[] isNew = {false};
        Backend backend = known.computeIfAbsent(endpoint.toString(), key -> {
            isNew[0] = true;
            return new Backend(endpoint, id, false, tls);
        });
        backend.id = id;
        backend.heard();
        if (!backend.isStatic) {
            backend.leaseEndNanos = leaseEnd;
        }
        if (isNew[0]) {
            rotation.add(backend);
            LOG.info("load balancer: compute server " + backend + " registered");
        } else if (!rotation.members().contains(backend)) {
            backend.channel.resetConnectBackoff();
            checkHealth(backend);
        }
    }

    /**
     * One call's way through the servers (a record's, or a batch's): each attempt on the next server in turn that has
     * not failed it yet.
     */
    private final class Relay<R> {
        private final BiConsumer<ComputeServerGrpc.ComputeServerStub, StreamObserver<R>> call;
        private final StreamObserver<R> sensor;
        private final int records;
        /** The sensor's call: its deadline and cancellation carry over to every attempt. */
        private final Context context = Context.current();
        private final Set<Backend> tried = new HashSet<>(2);
        private Status lastFailure;

        Relay(BiConsumer<ComputeServerGrpc.ComputeServerStub, StreamObserver<R>> call, StreamObserver<R> sensor,
              int records) {
            this.call = call;
            this.sensor = sensor;
            this.records = records;
        }

        void next() {
            if (context.isCancelled()) {
                return; // the sensor gave up or its deadline passed: it already has its answer
            }
            Optional<Backend> chosen = rotation.next(tried::contains);
            if (chosen.isEmpty()) {
                failed.addAndGet(records);
                String why = tried.isEmpty() ? "no compute server is live"
                        : "every live compute server failed the record, last: " + lastFailure;
                answer(null, Status.UNAVAILABLE.withDescription(why));
                return;
            }
            Backend backend = chosen.get();
            tried.add(backend);
            backend.calls.incrementAndGet();
            // the attempt's own context, so that a server gone silent can cancel it without cancelling the sensor's
            Context.CancellableContext attempt = context.withCancellation();
            backend.inFlight.add(attempt);
            attempt.run(() -> call.accept(
                    backend.compute.withDeadlineAfter(settings.attemptDeadline().toMillis(), TimeUnit.MILLISECONDS),
                    new StreamObserver<R>() {
                        private R reply;

                        @Override
                        public void onNext(R value) {
                            reply = value;
                        }

                        @Override
                        public void onError(Throwable error) {
                            boolean cutHere = attempt.isCancelled(); // by the silence check or the sensor, not the server
                            settle();
                            Status status = Status.fromThrowable(error);
                            if (!cutHere && status.getCode() != Status.Code.DEADLINE_EXCEEDED
                                    && status.getCode() != Status.Code.CANCELLED) {
                                backend.heard(); // a refusal is an answer: the host is there
                            }
                            failedOn(backend, status);
                        }

                        @Override
                        public void onCompleted() {
                            settle();
                            backend.heard();
                            forwarded.addAndGet(records);
                            answer(reply, null);
                        }

                        private void settle() {
                            backend.inFlight.remove(attempt);
                            attempt.cancel(null); // detaches it from the sensor's context; the call is over
                        }
                    }));
        }

        /** CANCELLED is the server's fault only when the sensor did not cancel: a call cut by a shutdown or crash. */
        private void failedOn(Backend backend, Status status) {
            if (!RetryPolicy.isPeerFault(status.getCode()) || context.isCancelled()) {
                answer(null, status); // about the record itself (INVALID_ARGUMENT...): the sensor gets it unchanged
                return;
            }
            backend.failures.incrementAndGet();
            if (status.getCode() == Status.Code.UNAVAILABLE && rotation.remove(backend)) {
                backend.problem = "call failed: " + status.getCode() + " " + status.getDescription();
                LOG.warning("load balancer: " + backend + " out of rotation: " + status.getCode() + " " + status.getDescription());
            }
            lastFailure = status;
            retried.addAndGet(records);
            next();
        }

        private void answer(R reply, Status error) {
            try {
                if (error == null) {
                    sensor.onNext(reply);
                    sensor.onCompleted();
                } else {
                    sensor.onError(error.asRuntimeException());
                }
            } catch (RuntimeException callGone) {
                // the sensor's call was cancelled meanwhile: nobody to answer
            }
        }
    }

    private void checkServers() {
        long now = System.nanoTime();
        for (Backend backend : known.values()) {
            if (backend.leaseExpired(now)) {
                known.remove(backend.endpoint.toString(), backend);
                rotation.remove(backend);
                dropped.incrementAndGet();
                backend.channel.shutdown();
                LOG.info("load balancer: compute server " + backend + " dropped: lease expired");
            } else {
                if (!rotation.members().contains(backend)) {
                    backend.channel.resetConnectBackoff(); // probe at the check rate, not gRPC's backoff of up to 2 min
                }
                checkHealth(backend);
            }
        }
    }

    /** Often, so that a silent server costs its records the silence timeout and little more. */
    private void checkSilence() {
        long now = System.nanoTime();
        boolean paused = now - lastSilenceCheckNanos > 4 * silenceCheckNanos;
        lastSilenceCheckNanos = now;
        if (paused) {
            return; // this process stood still (a GC pause, a starved CPU): answers may wait unread, judge next time
        }
        for (Backend backend : known.values()) {
            long silentNanos = backend.silentForNanos(now);
            if (silentNanos > silenceTimeoutNanos) {
                silent(backend, silentNanos);
            }
        }
    }

    /**
     * Takes a server that answered nothing for too long out of the rotation and cancels the attempts it holds, which
     * then go to the next server (their records are stored once whatever the silent one did with them).
     */
    private void silent(Backend backend, long silentNanos) {
        String problem = "silent for " + TimeUnit.NANOSECONDS.toMillis(silentNanos) + " ms";
        boolean left = rotation.remove(backend);
        if (left) {
            backend.problem = problem;
        }
        List<Context.CancellableContext> held = List.copyOf(backend.inFlight);
        if (left || !held.isEmpty()) {
            silenced.incrementAndGet();
            LOG.warning("load balancer: compute server " + backend + " out of rotation: " + problem
                    + (held.isEmpty() ? "" : "; retrying its " + held.size() + " calls in flight elsewhere"));
        }
        for (Context.CancellableContext attempt : held) {
            attempt.cancel(Status.UNAVAILABLE.withDescription("compute server " + backend + " " + problem)
                    .asRuntimeException());
        }
    }

    private void checkHealth(Backend backend) {
        if (closed) {
            return;
        }
        backend.health.withDeadlineAfter(healthCheckDeadlineMillis, TimeUnit.MILLISECONDS)
                .check(HealthCheckRequest.newBuilder().setService(ComputeServerGrpc.SERVICE_NAME).build(),
                        new StreamObserver<>() {
                            @Override
                            public void onNext(HealthCheckResponse response) {
                                backend.heard();
                                backend.missedChecks.set(0);
                                healthIs(backend, response.getStatus(), null);
                            }

                            @Override
                            public void onError(Throwable error) {
                                Status status = Status.fromThrowable(error);
                                if (status.getCode() == Status.Code.DEADLINE_EXCEEDED
                                        && backend.missedChecks.incrementAndGet() < MISSED_CHECKS_TOLERATED) {
                                    return; // busy, perhaps: the answer queues behind many records
                                }
                                healthIs(backend, ServingStatus.UNKNOWN, status.getCode() + " " + status.getDescription());
                            }

                            @Override
                            public void onCompleted() {
                            }
                        });
    }

    private void healthIs(Backend backend, ServingStatus status, String error) {
        if (known.get(backend.endpoint.toString()) != backend) {
            return; // forgotten meanwhile
        }
        if (status == ServingStatus.SERVING) {
            if (rotation.add(backend)) {
                LOG.info("load balancer: compute server " + backend + " back in rotation");
            }
        } else {
            backend.problem = "health " + (error == null ? status : error);
            if (rotation.remove(backend)) {
                LOG.warning("load balancer: compute server " + backend + " out of rotation: " + backend.problem);
            }
        }
    }

    /** Graceful stop: no new calls, running calls get the grace to finish, then server channels close. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        health.enterTerminalState();
        timer.shutdownNow();
        GrpcServers.stop(server, settings.shutdownGrace(), "load balancer");
        for (Backend backend : known.values()) {
            backend.channel.shutdownNow();
        }
        LOG.info("load balancer stopped");
    }

    /**
     * Stops at once, as a crash looks to the peers: calls in flight are cut (their sensors retry elsewhere), nothing
     * is drained. For fault drills and tests.
     */
    public void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        server.shutdownNow();
        for (Backend backend : known.values()) {
            backend.channel.shutdownNow();
        }
        LOG.info("load balancer killed");
    }
}
