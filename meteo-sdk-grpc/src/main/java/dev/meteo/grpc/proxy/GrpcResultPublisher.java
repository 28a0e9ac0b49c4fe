package dev.meteo.grpc.proxy;

import dev.meteo.grpc.Endpoint;
import dev.meteo.grpc.GrpcTlsSettings;
import dev.meteo.grpc.internal.DeliveryPosition;
import dev.meteo.grpc.internal.GrpcServers;
import dev.meteo.grpc.internal.Registrar;
import dev.meteo.grpc.proto.DeliveryReply;
import dev.meteo.grpc.proto.Lease;
import dev.meteo.grpc.proto.Member;
import dev.meteo.grpc.proto.Members;
import dev.meteo.grpc.proto.MembersRequest;
import dev.meteo.grpc.proto.ProxyGrpc;
import dev.meteo.grpc.proto.Registration;
import dev.meteo.grpc.proto.TerminalGrpc;
import dev.meteo.internal.TroubleLog;
import dev.meteo.metrics.Measured;
import dev.meteo.metrics.Measurement;
import dev.meteo.model.WindowResult;
import dev.meteo.proto.ProtoCodec;
import dev.meteo.store.WindowHistory;
import dev.meteo.window.WindowResultPublisher;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The proxy's side of direct mode: a {@link WindowResultPublisher} for the core {@code WindowAggregator} that calls
 * every terminal, plus the {@code meteo.v1.Proxy} service where terminals register and renew their lease.
 *
 * <p>Every terminal says, when it registers and in each reply, the end of the last window it holds. {@link #publish}
 * sends each terminal, in order, the windows it misses up to the new one: the saved results of the windows after its
 * last one ({@link WindowHistory}), then the new window. So a terminal that was away, restarted, or too slow for one
 * call catches up, and one registered with a proxy that just became active (a restart, a standby's takeover) gets
 * every window the previous proxy did not deliver. Terminals are called concurrently, each call with its deadline, so
 * a slow or dead terminal never delays the others; {@code publish} returns when every terminal has its windows or
 * has run out of time.
 *
 * <p>{@code publish} throws, and the aggregator publishes the window again later, when no terminal took it, including
 * when no terminal is registered at all: a window is never marked published to an empty audience. A terminal id that
 * is live under another process (another instance nonce at another address) is refused with ALREADY_EXISTS, so two
 * terminals given one id are told instead of splitting the windows. A terminal is dropped when its lease runs out
 * (checked at each publish) and comes back when it registers again, possibly at a new address; terminals of the
 * static list never expire, and have no position to catch up from.
 *
 * <p>Threading: the registration service and the terminal channels run on the transport threads
 * ({@code directExecutor}); their callbacks chain the next call of the same terminal. {@code publish} blocks its
 * caller (the aggregator's thread) for at most the call deadline per window sent to the slowest terminal.
 */
public final class GrpcResultPublisher implements WindowResultPublisher, Measured {

    private static final Logger LOG = Logger.getLogger(GrpcResultPublisher.class.getName());
    private static final long AWAIT_MARGIN_MILLIS = 200;
    /** Windows sent to one terminal in one publish at most: a long absence is caught up over several windows. */
    private static final int MAX_CATCH_UP = 256;

    /** One terminal as the proxy sees it. */
    private static final class Link {
        final String id;
        final Endpoint endpoint;
        final String instance;
        final ManagedChannel channel;
        final TerminalGrpc.TerminalStub stub;
        final TroubleLog trouble;
        volatile long leaseEndNanos;
        /** The end of the last window the terminal said it holds; 0 when unknown (a static terminal, none yet). */
        volatile long lastEndMillis;
        /** The last call's failure, {@code null} once a call succeeds. */
        volatile String problem;

        Link(String id, Endpoint endpoint, String instance, long leaseEndNanos, long lastEndMillis, GrpcTlsSettings tls) {
            this.id = id;
            this.endpoint = endpoint;
            this.instance = instance;
            this.channel = GrpcServers.channel(endpoint, tls);
            this.stub = TerminalGrpc.newStub(channel);
            this.leaseEndNanos = leaseEndNanos;
            this.lastEndMillis = lastEndMillis;
            this.trouble = new TroubleLog(problem -> LOG.warning("proxy: terminal " + this + " " + problem),
                    () -> LOG.info("proxy: terminal " + this + " receives again"), TroubleLog.QUIET_PERIOD);
            channel.getState(true); // connect now, so the first window does not pay the handshake
        }

        boolean live(long nowNanos) {
            return !Registrar.expired(leaseEndNanos, nowNanos);
        }

        @Override
        public String toString() {
            return id + "@" + endpoint;
        }
    }

    private final ResultPublisherSettings settings;
    private final GrpcTlsSettings tls;
    private final WindowHistory history;
    private final Registrar registrar;
    private final Server server;
    private final HealthStatusManager health = new HealthStatusManager();
    private final Map<String, Link> terminals = new ConcurrentHashMap<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong deliveredCalls = new AtomicLong();
    private final AtomicLong failedCalls = new AtomicLong();
    private volatile boolean closed;

    /**
     * One terminal as the proxy sees it now.
     *
     * @param id           its id ({@code static:<address>} for one of the static list)
     * @param address      {@code host:port}
     * @param live         whether its last call succeeded (a new one: until its first call fails)
     * @param lastEndMillis the end (epoch ms) of the last window it said it holds, 0 when unknown
     * @param problem      the last call's failure, or {@code null}
     */
    public record TerminalStatus(String id, String address, boolean live, long lastEndMillis, String problem) {
    }

    private GrpcResultPublisher(ResultPublisherSettings settings, GrpcTlsSettings tls, WindowHistory history) {
        this.settings = settings;
        this.tls = tls;
        this.history = history;
        for (Endpoint endpoint : settings.staticTerminals()) {
            String id = "static:" + endpoint;
            terminals.put(id, new Link(id, endpoint, "", Registrar.FOREVER, 0, tls));
        }
        this.registrar = new Registrar("proxy", "terminal", settings.deployment(), settings.terminalLease(),
                new Registrar.Peers() {
                    @Override
                    public Status register(Registration registration, Endpoint address, long leaseEndNanos) {
                        if (registration.getId().isBlank()) {
                            return Status.INVALID_ARGUMENT.withDescription("terminal id is empty");
                        }
                        return GrpcResultPublisher.this.register(registration.getId(), address,
                                registration.getInstance(), registration.getLastEndMillis(), leaseEndNanos);
                    }

                    @Override
                    public List<Member> members() {
                        return terminalStatuses().stream().map(terminal -> Registrar.member(terminal.id(),
                                terminal.address(), terminal.live(), terminal.problem())
                                .setLastEndMillis(terminal.lastEndMillis()).build()).toList();
                    }
                });
        this.server = GrpcServers.start(settings.bindHost(), settings.port(), tls, builder -> builder
                .directExecutor()
                .addService(new Registrations())
                .addService(health.getHealthService()));
        LOG.info("proxy listening for terminals on " + settings.bindHost() + ":" + server.getPort() + " with "
                + settings.staticTerminals().size() + " static terminals");
    }

    /**
     * Starts the registration service and returns the publisher to hand to the {@code WindowAggregator}.
     *
     * @param history where the results of closed windows are kept (the aggregator's store), for terminals that missed
     *                some; {@code null} sends every terminal the new window only
     * @throws java.io.UncheckedIOException when the address cannot be bound
     */
    public static GrpcResultPublisher start(ResultPublisherSettings settings, WindowHistory history) {
        return start(settings, GrpcTlsSettings.plaintext(), history);
    }

    /**
     * As {@link #start(ResultPublisherSettings, WindowHistory)}, serving registrations and calling terminals as
     * {@code tls} says.
     */
    public static GrpcResultPublisher start(ResultPublisherSettings settings, GrpcTlsSettings tls, WindowHistory history) {
        return new GrpcResultPublisher(settings, tls, history);
    }

    /** The port of the registration service (the ephemeral one when the settings asked for 0). */
    public int port() {
        return server.getPort();
    }

    /** The terminals whose lease has not run out, by id. */
    public List<TerminalStatus> terminalStatuses() {
        expireLeases();
        return terminals.values().stream().sorted(Comparator.comparing(link -> link.id))
                .map(link -> new TerminalStatus(link.id, link.endpoint.toString(), link.problem == null,
                        link.lastEndMillis, link.problem))
                .toList();
    }

    /** Terminals registered, windows published, and calls to terminals delivered and failed. */
    @Override
    public List<Measurement> measurements() {
        List<TerminalStatus> now = terminalStatuses();
        return List.of(
                Measurement.gauge("meteo.proxy.terminals", "terminals registered (lease not run out)", now.size()),
                Measurement.gauge("meteo.proxy.terminals.failing", "registered terminals whose last call failed",
                        now.stream().filter(terminal -> !terminal.live()).count()),
                Measurement.counter("meteo.grpc.windows.published", "windows handed to at least one terminal",
                        published.get()),
                Measurement.counter("meteo.grpc.deliveries", "windows delivered to a terminal (catch-up included)",
                        deliveredCalls.get()),
                Measurement.counter("meteo.grpc.delivery.failures", "calls to a terminal that failed (it catches up later)",
                        failedCalls.get()));
    }

    /** The ids of the terminals whose lease has not run out. */
    public List<String> terminals() {
        expireLeases();
        return terminals.values().stream().map(link -> link.id).sorted().toList();
    }

    private final class Registrations extends ProxyGrpc.ProxyImplBase {
        @Override
        public void listTerminals(MembersRequest request, StreamObserver<Members> observer) {
            registrar.list(observer);
        }

        @Override
        public void registerTerminal(Registration request, StreamObserver<Lease> observer) {
            registrar.register(request, observer);
        }
    }

    /**
     * Registers or renews a terminal (the {@link Registrar} checked it belongs to the deployment); returns why it is
     * refused, or {@code null}.
     */
    private Status register(String id, Endpoint endpoint, String instance, long lastEndMillis, long leaseEnd) {
        long now = System.nanoTime();
        Status[] refused = {null};
        terminals.compute(id, (key, existing) -> {
            if (existing != null && existing.endpoint.equals(endpoint) && existing.instance.equals(instance)) {
                existing.leaseEndNanos = leaseEnd;
                // a renewal says where the terminal stands now (another proxy may have delivered meanwhile)
                existing.lastEndMillis = Math.max(existing.lastEndMillis, lastEndMillis);
                if (existing.trouble.inTrouble()) {
                    existing.channel.resetConnectBackoff(); // it says it is back: do not wait out gRPC's backoff
                }
                return existing;
            }
            if (existing != null && existing.live(now) && !existing.endpoint.equals(endpoint)) {
                refused[0] = Status.ALREADY_EXISTS.withDescription("terminal id " + id + " is live at "
                        + existing.endpoint + " (another process): give every terminal its own --id");
                return existing;
            }
            if (existing != null) {
                existing.channel.shutdown();
                LOG.info("proxy: terminal " + id + " registered again at " + endpoint + " (was " + existing.endpoint + ")");
            } else {
                LOG.info("proxy: terminal " + id + " registered at " + endpoint
                        + (lastEndMillis > 0 ? ", holding windows up to " + Instant.ofEpochMilli(lastEndMillis) : ""));
            }
            return new Link(id, endpoint, instance, leaseEnd, lastEndMillis, tls);
        });
        return refused[0];
    }

    private void expireLeases() {
        long now = System.nanoTime();
        for (Link link : terminals.values()) {
            if (!link.live(now) && terminals.remove(link.id, link)) {
                link.channel.shutdown();
                LOG.info("proxy: terminal " + link + " dropped: lease expired");
            }
        }
    }

    /**
     * Sends every live terminal the windows it misses up to {@code result}, in order; returns when all have answered
     * or timed out.
     *
     * @throws IllegalStateException when no terminal took {@code result}, none being registered included (the
     *                               aggregator publishes it again later)
     */
    @Override
    public void publish(WindowResult result) throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("proxy publisher is closed");
        }
        expireLeases();
        List<Link> targets = List.copyOf(terminals.values());
        if (targets.isEmpty()) {
            throw new IllegalStateException("no terminal is registered: window " + result.start()
                    + " is kept until one registers");
        }
        List<CompletableFuture<Boolean>> deliveries = new ArrayList<>(targets.size());
        for (Link link : targets) {
            deliveries.add(deliver(link, result));
        }
        long delivered = 0;
        long deadlineNanos = System.nanoTime()
                + TimeUnit.MILLISECONDS.toNanos(settings.callDeadline().toMillis() * (1 + MAX_CATCH_UP / 64) + AWAIT_MARGIN_MILLIS);
        for (CompletableFuture<Boolean> delivery : deliveries) {
            try {
                if (delivery.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    delivered++;
                }
            } catch (ExecutionException | TimeoutException e) {
                // that terminal missed it: it catches up at a later publish
            }
        }
        if (delivered == 0) {
            throw new IllegalStateException("no terminal of " + targets.size() + " took window " + result.start());
        }
        published.incrementAndGet();
    }

    /** The windows {@code link} misses up to {@code result}, then {@code result}; completes with whether it holds it. */
    private CompletableFuture<Boolean> deliver(Link link, WindowResult result) {
        List<WindowResult> due = missing(link, result);
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        sendNext(link, due, 0, result, done, 1);
        return done;
    }

    /**
     * The windows to send {@code link}, oldest first: those after its last one up to {@code result}, then
     * {@code result}; at most {@value #MAX_CATCH_UP}, so a terminal far behind catches up over several publishes,
     * in order, without a gap (it gets {@code result} once it is that far).
     */
    private List<WindowResult> missing(Link link, WindowResult result) {
        long holds = link.lastEndMillis;
        long start = result.start().toEpochMilli();
        List<WindowResult> due = new ArrayList<>();
        if (history != null && holds > 0 && holds < start) {
            List<WindowResult> saved = history.resultsBetween(holds, start);
            due.addAll(saved.subList(0, Math.min(saved.size(), MAX_CATCH_UP)));
        }
        if (due.size() < MAX_CATCH_UP) {
            due.add(result);
        }
        return due;
    }

    private void sendNext(Link link, List<WindowResult> due, int index, WindowResult target,
                          CompletableFuture<Boolean> done, int gapsLeft) {
        if (index == due.size()) {
            done.complete(link.lastEndMillis >= target.end().toEpochMilli());
            return;
        }
        WindowResult window = due.get(index);
        // says where this proxy believes the terminal stands (each reply updates it), so that the terminal takes a gap
        // only when the proxy knows where it stands and has nothing to fill the gap with
        DeliveryPosition.sentAfter(link.stub, link.lastEndMillis)
                .withDeadlineAfter(settings.callDeadline().toMillis(), TimeUnit.MILLISECONDS)
                .deliverWindowResult(ProtoCodec.toProto(window), new StreamObserver<>() {
                    private DeliveryReply reply;

                    @Override
                    public void onNext(DeliveryReply value) {
                        reply = value;
                    }

                    @Override
                    public void onError(Throwable error) {
                        Status status = Status.fromThrowable(error);
                        link.problem = status.getCode() + " " + status.getDescription();
                        failedCalls.incrementAndGet();
                        link.trouble.problem("missed window " + window.start() + ": " + status.getCode() + " "
                                + status.getDescription());
                        done.complete(false);
                    }

                    @Override
                    public void onCompleted() {
                        link.trouble.recovered();
                        link.problem = null;
                        deliveredCalls.incrementAndGet();
                        long holds = reply == null ? 0 : reply.getLastEndMillis();
                        if (holds > 0) {
                            link.lastEndMillis = holds;
                        }
                        if (holds > 0 && holds < window.start().toEpochMilli() && gapsLeft > 0) {
                            // it holds less than we thought (restarted meanwhile): start again from where it stands
                            sendNext(link, missing(link, target), 0, target, done, gapsLeft - 1);
                        } else {
                            sendNext(link, due, index + 1, target, done, gapsLeft);
                        }
                    }
                });
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
