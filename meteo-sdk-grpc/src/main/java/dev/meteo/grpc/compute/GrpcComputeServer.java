package dev.meteo.grpc.compute;

import dev.meteo.compute.ComputeNode;
import dev.meteo.grpc.Endpoint;
import dev.meteo.grpc.GrpcTlsSettings;
import dev.meteo.grpc.internal.GrpcServers;
import dev.meteo.grpc.internal.PeerRegistration;
import dev.meteo.grpc.proto.ComputeServerGrpc;
import dev.meteo.grpc.proto.LoadBalancerGrpc;
import dev.meteo.grpc.proto.Registration;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A compute server: the core {@link ComputeNode} behind the {@code meteo.v1.ComputeServer} service, plus the
 * standard {@code grpc.health.v1} service the load balancer polls. When settings name a load balancer, the server
 * registers with it and renews its lease until closed.
 *
 * <p>Threading: the service runs on the transport threads ({@code directExecutor}), because a handler only decodes the
 * record and hands it to the node, whose future completes after the simulated delay (on a timer) and the store; the
 * reply is sent from that future. A server therefore holds many records in processing at once, and a relay hop keeps
 * the throughput of {@code directExecutor}, several times that of gRPC's default pool (figures in the report).
 *
 * <p>Start with {@link #start}; {@link #close()} stops gracefully (health NOT_SERVING, no new calls, running calls
 * finish within the grace). The node is the caller's: closing the server does not close it.
 */
public final class GrpcComputeServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GrpcComputeServer.class.getName());

    private final ComputeServerSettings settings;
    private final String id;
    private final Server server;
    private final HealthStatusManager health;
    private final Endpoint endpoint;
    private final List<PeerRegistration> registrations;
    private volatile boolean closed;

    private GrpcComputeServer(ComputeServerSettings settings, GrpcTlsSettings tls, ComputeNode node) {
        this.settings = settings;
        this.id = node.settings().id();
        this.health = new HealthStatusManager();
        this.server = GrpcServers.start(settings.bindHost(), settings.port(), tls, builder -> builder
                .directExecutor()
                .addService(new ComputeService(node))
                .addService(health.getHealthService()));
        health.setStatus(ComputeServerGrpc.SERVICE_NAME, ServingStatus.SERVING);
        this.endpoint = new Endpoint(GrpcServers.advertisedHost(settings.bindHost(), settings.advertisedHost()), server.getPort());
        this.registrations = settings.balancers().stream()
                .map(balancer -> PeerRegistration.start(balancer, tls,
                        "compute server " + id + " with the load balancer at " + balancer,
                        () -> Registration.newBuilder().setId(id).setAddress(endpoint.toString())
                                .setDeployment(settings.deployment() == null ? "" : settings.deployment()).build(),
                        channel -> {
                            LoadBalancerGrpc.LoadBalancerStub stub = LoadBalancerGrpc.newStub(channel);
                            return (request, observer) -> stub.withDeadlineAfter(
                                    PeerRegistration.CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS).registerServer(request, observer);
                        },
                        settings.registrationRetry()))
                .toList();
        LOG.info("compute server " + id + " listening on " + settings.bindHost() + ":" + server.getPort()
                + (settings.balancers().isEmpty() ? " (static, not registering)" : ", registering with " + settings.balancers()));
    }

    /**
     * Starts a compute server for {@code node}: binds, starts serving, and begins registering with the load balancer
     * when the settings name one.
     *
     * @throws java.io.UncheckedIOException when the address cannot be bound
     */
    public static GrpcComputeServer start(ComputeServerSettings settings, ComputeNode node) {
        return start(settings, GrpcTlsSettings.plaintext(), node);
    }

    /** As {@link #start(ComputeServerSettings, ComputeNode)}, serving and registering as {@code tls} says. */
    public static GrpcComputeServer start(ComputeServerSettings settings, GrpcTlsSettings tls, ComputeNode node) {
        return new GrpcComputeServer(settings, tls, node);
    }

    /** The port actually bound (the ephemeral one when the settings asked for 0). */
    public int port() {
        return server.getPort();
    }

    /** The address this server gives the load balancer. */
    public Endpoint endpoint() {
        return endpoint;
    }

    /**
     * Completes once one load balancer acknowledged the first registration (the others follow as they come up); at
     * once when not registering.
     */
    public CompletableFuture<Void> registered() {
        if (registrations.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.anyOf(registrations.stream().map(PeerRegistration::registered)
                .toArray(CompletableFuture[]::new)).thenApply(any -> null);
    }

    /**
     * What the health service reports: {@code false} takes the server out of the load balancer's rotation at its next
     * health check (drain before maintenance) while calls already routed here still complete.
     */
    public void setServing(boolean serving) {
        if (!closed) {
            health.setStatus(ComputeServerGrpc.SERVICE_NAME, serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
        }
    }

    /** Graceful stop: health NOT_SERVING, stop renewing, running calls get the grace to finish. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        health.enterTerminalState();
        registrations.forEach(PeerRegistration::close);
        GrpcServers.stop(server, settings.shutdownGrace(), "compute server " + id);
        LOG.info("compute server " + id + " stopped");
    }

    /**
     * Stops at once, as a crash looks to the peers: running calls are cut, nothing is deregistered, the lease is left
     * to expire. For fault drills and tests.
     */
    public void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        registrations.forEach(PeerRegistration::closeNow);
        server.shutdownNow();
        try {
            server.awaitTermination(settings.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("compute server " + id + " killed");
    }
}
