package dev.meteo.grpc.terminal;

import dev.meteo.grpc.Endpoint;
import dev.meteo.grpc.GrpcTlsSettings;
import dev.meteo.grpc.internal.DeliveryPosition;
import dev.meteo.grpc.internal.GrpcServers;
import dev.meteo.grpc.internal.PeerRegistration;
import dev.meteo.grpc.proto.DeliveryReply;
import dev.meteo.grpc.proto.ProxyGrpc;
import dev.meteo.grpc.proto.TerminalGrpc;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.proto.ProtoCodec;
import dev.meteo.proto.WindowResult;
import dev.meteo.terminal.Terminal;
import dev.meteo.terminal.WindowNotKeptException;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A monitoring terminal's server: receives window results from the proxy ({@code meteo.v1.Terminal}) and hands each
 * to the core {@link Terminal}, which drops repeats and feeds its sinks. When settings name proxies, the terminal
 * registers with every one of them (the active one and its standbys) under its id and renews its lease until closed;
 * each registration says which window the terminal holds last, and a window that would leave a gap is refused with
 * that position, so the proxy sends the missing windows first: the terminal's windows stay contiguous.
 *
 * <p>Threading: results are handed over on one dedicated thread, not on the transport threads, because sinks may
 * block (a dashboard, a file) and windows must reach them in order; one window every few seconds needs no more. A
 * sink slower than the proxy's deadline makes the proxy give up on this terminal's call, never on the others'; results
 * queued behind it whose deadline passed are discarded by gRPC, so a slow terminal misses windows instead of
 * falling ever further behind.
 */
public final class GrpcTerminalServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GrpcTerminalServer.class.getName());

    private final TerminalServerSettings settings;
    private final Terminal terminal;
    private final ExecutorService deliveries;
    private final Server server;
    private final HealthStatusManager health = new HealthStatusManager();
    private final Endpoint endpoint;
    private final PeerRegistration registrations;
    private volatile boolean closed;

    private GrpcTerminalServer(TerminalServerSettings settings, GrpcTlsSettings tls, Terminal terminal) {
        this.settings = settings;
        this.terminal = terminal;
        this.deliveries = Executors.newSingleThreadExecutor(new DaemonThreadFactory("terminal-" + terminal.id() + "-deliveries"));
        this.server = GrpcServers.start(settings.bindHost(), settings.port(), tls, builder -> builder
                .executor(deliveries)
                .addService(ServerInterceptors.intercept(new Deliveries(), DeliveryPosition.reader()))
                .addService(health.getHealthService()));
        this.endpoint = new Endpoint(GrpcServers.advertisedHost(settings.bindHost(), settings.advertisedHost()), server.getPort());
        String instance = UUID.randomUUID().toString();
        // the last window it holds, read at each renewal: the proxy sends it the ones it misses from there
        this.registrations = PeerRegistration.start("terminal " + terminal.id(), "the proxy", settings.proxies(),
                ProxyGrpc.getRegisterTerminalMethod(),
                () -> PeerRegistration.registration(terminal.id(), endpoint, settings.deployment()).setInstance(instance)
                        .setLastEndMillis(Math.max(0, terminal.lastEndMillis())).build(),
                tls, settings.registrationRetry());
        LOG.info("terminal " + terminal.id() + " listening on " + settings.bindHost() + ":" + server.getPort()
                + (settings.proxies().isEmpty() ? " (static, not registering)" : ", registering with " + settings.proxies()));
    }

    /**
     * Starts a terminal server for {@code terminal}: binds, serves, and begins registering with the proxy when the
     * settings name one. The terminal (and its sinks) stay the caller's: closing the server does not close them.
     *
     * @throws java.io.UncheckedIOException when the address cannot be bound
     */
    public static GrpcTerminalServer start(TerminalServerSettings settings, Terminal terminal) {
        return start(settings, GrpcTlsSettings.plaintext(), terminal);
    }

    /** As {@link #start(TerminalServerSettings, Terminal)}, serving and registering as {@code tls} says. */
    public static GrpcTerminalServer start(TerminalServerSettings settings, GrpcTlsSettings tls, Terminal terminal) {
        return new GrpcTerminalServer(settings, tls, terminal);
    }

    /** The port actually bound (the ephemeral one when the settings asked for 0). */
    public int port() {
        return server.getPort();
    }

    /** The address this terminal gives the proxy. */
    public Endpoint endpoint() {
        return endpoint;
    }

    /**
     * Completes once a proxy acknowledged the first registration (any of them: the active one may be down while a
     * standby answers); at once when not registering.
     */
    public CompletableFuture<Void> registered() {
        return registrations.registered();
    }

    private final class Deliveries extends TerminalGrpc.TerminalImplBase {
        /** The window last refused for a gap; confined to the one delivery thread. */
        private long refusedGapEnd = Long.MIN_VALUE;

        /**
         * A window after a gap is refused, and the reply says where this terminal stands, so that the proxy sends the
         * missing windows first; it is taken only when the proxy says it sends from exactly where this terminal stands
         * (it knows, and has nothing in between: past its retention, or it keeps none), since a gap is better than no
         * windows at all. A proxy that says nothing (an older one): refused once, taken when offered again; that
         * older rule took a gap when the refusal's answer was lost and the proxy did not know where the terminal
         * stood (docs/guarantees.md, "Finding 1").
         */
        private boolean gapIsMeant(long end) {
            Long sentAfter = DeliveryPosition.ofThisCall();
            if (sentAfter == null) {
                return refusedGapEnd == end;
            }
            return sentAfter > 0 && sentAfter == Math.max(0, terminal.lastEndMillis());
        }

        @Override
        public void deliverWindowResult(WindowResult request, StreamObserver<DeliveryReply> observer) {
            var result = ProtoCodec.fromProto(request); // the model's WindowResult (the proto's has the same name)
            long end = result.end().toEpochMilli();
            boolean refuse = terminal.wouldLeaveGap(result) && !gapIsMeant(end);
            refusedGapEnd = refuse ? end : Long.MIN_VALUE;
            boolean accepted;
            try {
                accepted = !refuse && terminal.deliver(result);
            } catch (WindowNotKeptException e) {
                // not kept (its file cannot be written): an error, so that the proxy sends this window again
                try {
                    observer.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
                } catch (RuntimeException callGone) {
                    // the proxy gave up on this call already; it sends the window again all the same
                }
                return;
            }
            try {
                observer.onNext(DeliveryReply.newBuilder().setAccepted(accepted)
                        .setLastEndMillis(Math.max(0, terminal.lastEndMillis())).build());
                observer.onCompleted();
            } catch (RuntimeException callGone) {
                // the proxy's deadline passed while a sink was slow: the result was still delivered here
            }
        }
    }

    /** Graceful stop: stop renewing, running deliveries get the grace to finish. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        health.enterTerminalState();
        registrations.close();
        GrpcServers.stop(server, settings.shutdownGrace(), "terminal " + terminal.id());
        deliveries.shutdown();
        LOG.info("terminal " + terminal.id() + " stopped");
    }

    /** Stops at once, as a crash looks to the proxy: nothing is deregistered. For fault drills and tests. */
    public void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        registrations.closeNow();
        server.shutdownNow();
        deliveries.shutdownNow();
        try {
            server.awaitTermination(settings.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("terminal " + terminal.id() + " killed");
    }
}
