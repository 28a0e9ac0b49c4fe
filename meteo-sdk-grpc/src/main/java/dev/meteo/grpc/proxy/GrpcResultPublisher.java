package dev.meteo.grpc.proxy;

import dev.meteo.grpc.Endpoint;
import dev.meteo.grpc.internal.GrpcServers;
import dev.meteo.proto.ProtoCodec;
import dev.meteo.model.WindowResult;
import dev.meteo.grpc.proto.DeliveryReply;
import dev.meteo.grpc.proto.Lease;
import dev.meteo.grpc.proto.ProxyGrpc;
import dev.meteo.grpc.proto.Registration;
import dev.meteo.grpc.proto.TerminalGrpc;
import dev.meteo.window.WindowResultPublisher;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The proxy's side of direct mode: a {@link WindowResultPublisher} for the core {@code WindowAggregator} that calls
 * every terminal, plus the {@code meteo.v1.Proxy} service where terminals register and renew their lease.
 *
 * <p>{@link #publish} encodes the result once and starts one call per terminal at the same time, each with its own
 * deadline, so a slow or dead terminal never delays the others' delivery; it returns when every call has answered or
 * its deadline has passed. It throws only when terminals are known and none of them took the result, so the
 * aggregator publishes the window again later; with no terminal at all the window has no audience and is not an
 * error. A terminal is dropped when its lease runs out (checked at each publish) and comes back when it registers
 * again, possibly at a new address; terminals of the static list never expire.
 *
 * <p>Threading: the registration service and the terminal channels run on the transport threads
 * ({@code directExecutor}); their callbacks only count answers. {@code publish} blocks its caller (the aggregator's
 * thread) for at most the call deadline.
 */
public final class GrpcResultPublisher implements WindowResultPublisher {

    private static final Logger LOG = Logger.getLogger(GrpcResultPublisher.class.getName());
    private static final long AWAIT_MARGIN_MILLIS = 200;

    /** One terminal as the proxy sees it. */
    private static final class Link {
        final String id;
        final Endpoint endpoint;
        final ManagedChannel channel;
        final TerminalGrpc.TerminalStub stub;
        volatile long leaseEndNanos;
        volatile boolean failing;

        Link(String id, Endpoint endpoint, long leaseEndNanos) {
            this.id = id;
            this.endpoint = endpoint;
            this.channel = GrpcServers.channel(endpoint);
            this.stub = TerminalGrpc.newStub(channel);
            this.leaseEndNanos = leaseEndNanos;
            channel.getState(true); // connect now, so the first window does not pay the handshake
        }

        @Override
        public String toString() {
            return id + "@" + endpoint;
        }
    }

    private final ResultPublisherSettings settings;
    private final Server server;
    private final HealthStatusManager health = new HealthStatusManager();
    private final Map<String, Link> terminals = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private GrpcResultPublisher(ResultPublisherSettings settings) {
        this.settings = settings;
        for (Endpoint endpoint : settings.staticTerminals()) {
            terminals.put("static:" + endpoint, new Link("static:" + endpoint, endpoint, Long.MAX_VALUE));
        }
        this.server = GrpcServers.start(settings.bindHost(), settings.port(), builder -> builder
                .directExecutor()
                .addService(new Registrations())
                .addService(health.getHealthService()));
        LOG.info("proxy listening for terminals on " + settings.bindHost() + ":" + server.getPort() + " with "
                + settings.staticTerminals().size() + " static terminals");
    }

    /**
     * Starts the registration service and returns the publisher to hand to the {@code WindowAggregator}.
     *
     * @throws java.io.UncheckedIOException when the address cannot be bound
     */
    public static GrpcResultPublisher start(ResultPublisherSettings settings) {
        return new GrpcResultPublisher(settings);
    }

    /** The port of the registration service (the ephemeral one when the settings asked for 0). */
    public int port() {
        return server.getPort();
    }

    /** The ids of the terminals whose lease has not run out. */
    public List<String> terminals() {
        expireLeases();
        return terminals.values().stream().map(link -> link.id).sorted().toList();
    }

    private final class Registrations extends ProxyGrpc.ProxyImplBase {
        @Override
        public void registerTerminal(Registration request, StreamObserver<Lease> observer) {
            if (request.getId().isBlank()) {
                observer.onError(Status.INVALID_ARGUMENT.withDescription("terminal id is empty").asRuntimeException());
                return;
            }
            Endpoint endpoint;
            try {
                endpoint = Endpoint.parse(request.getAddress());
            } catch (IllegalArgumentException e) {
                observer.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
                return;
            }
            register(request.getId(), endpoint);
            observer.onNext(Lease.newBuilder().setTtlMillis(settings.terminalLease().toMillis()).build());
            observer.onCompleted();
        }
    }

    private void register(String id, Endpoint endpoint) {
        long leaseEnd = System.nanoTime() + settings.terminalLease().toNanos();
        terminals.compute(id, (key, existing) -> {
            if (existing != null && existing.endpoint.equals(endpoint)) {
                existing.leaseEndNanos = leaseEnd;
                if (existing.failing) {
                    existing.channel.resetConnectBackoff(); // it says it is back: do not wait out gRPC's backoff
                }
                return existing;
            }
            if (existing != null) {
                existing.channel.shutdown();
                LOG.info("proxy: terminal " + id + " moved from " + existing.endpoint + " to " + endpoint);
            } else {
                LOG.info("proxy: terminal " + id + " registered at " + endpoint);
            }
            return new Link(id, endpoint, leaseEnd);
        });
    }

    private void expireLeases() {
        long now = System.nanoTime();
        for (Link link : terminals.values()) {
            if (link.leaseEndNanos != Long.MAX_VALUE && now - link.leaseEndNanos > 0 && terminals.remove(link.id, link)) {
                link.channel.shutdown();
                LOG.info("proxy: terminal " + link + " dropped: lease expired");
            }
        }
    }

    /**
     * Calls every live terminal with {@code result}, concurrently, each with the call deadline; returns when all have
     * answered or timed out.
     *
     * @throws IllegalStateException when terminals are known and none accepted the call (the aggregator retries)
     */
    @Override
    public void publish(WindowResult result) throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("proxy publisher is closed");
        }
        expireLeases();
        List<Link> targets = List.copyOf(terminals.values());
        if (targets.isEmpty()) {
            return;
        }
        dev.meteo.proto.WindowResult message = ProtoCodec.toProto(result);
        CountDownLatch answered = new CountDownLatch(targets.size());
        AtomicInteger delivered = new AtomicInteger();
        long deadline = settings.callDeadline().toMillis();
        for (Link link : targets) {
            link.stub.withDeadlineAfter(deadline, TimeUnit.MILLISECONDS).deliverWindowResult(message, new StreamObserver<>() {
                @Override
                public void onNext(DeliveryReply reply) {
                }

                @Override
                public void onError(Throwable error) {
                    if (!link.failing) {
                        link.failing = true;
                        Status status = Status.fromThrowable(error);
                        LOG.warning("proxy: terminal " + link + " missed window " + result.start() + ": "
                                + status.getCode() + " " + status.getDescription());
                    }
                    answered.countDown();
                }

                @Override
                public void onCompleted() {
                    if (link.failing) {
                        link.failing = false;
                        LOG.info("proxy: terminal " + link + " receives again");
                    }
                    delivered.incrementAndGet();
                    answered.countDown();
                }
            });
        }
        answered.await(deadline + AWAIT_MARGIN_MILLIS, TimeUnit.MILLISECONDS);
        if (delivered.get() == 0) {
            throw new IllegalStateException("no terminal of " + targets.size() + " took window " + result.start());
        }
    }

    /** Stops the registration service and closes the terminal channels. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        health.enterTerminalState();
        GrpcServers.stop(server, settings.shutdownGrace(), "proxy");
        for (Link link : terminals.values()) {
            link.channel.shutdownNow();
        }
        LOG.info("proxy publisher stopped");
    }
}
