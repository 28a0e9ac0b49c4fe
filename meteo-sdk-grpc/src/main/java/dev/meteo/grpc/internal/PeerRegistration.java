package dev.meteo.grpc.internal;

import dev.meteo.grpc.Endpoint;
import dev.meteo.grpc.GrpcTlsSettings;
import dev.meteo.grpc.proto.Lease;
import dev.meteo.grpc.proto.Registration;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A server's registrations with its registrars (a compute server with every load balancer, a terminal with the proxy
 * and its standbys), written once for both registering roles so that their lifecycles cannot drift apart: per
 * registrar one channel and a {@link LeaseRenewer} on it, started together and stopped together. Each registration
 * states the server's id, the address its registrar dials back, and its deployment, which the registrar checks
 * ({@link Registrar}, {@link DeploymentCheck}): a registrar of another deployment refuses with
 * {@code FAILED_PRECONDITION}, and {@link #registered()} fails with a {@code WrongDeploymentException} instead of
 * retrying.
 */
public final class PeerRegistration {

    /** Deadline of one registration call. */
    public static final Duration CALL_DEADLINE = Duration.ofSeconds(5);

    /** The registration with one registrar: its channel and the renewer on it. */
    private record Link(ManagedChannel channel, LeaseRenewer renewer) {
    }

    private final List<Link> links;

    private PeerRegistration(List<Link> links) {
        this.links = links;
    }

    /**
     * The registration every registering server sends: its id, the address to dial it back at, and its deployment
     * ({@code null}: none stated, which every registrar accepts). A terminal adds its instance and last window.
     */
    public static Registration.Builder registration(String id, Endpoint address, String deployment) {
        return Registration.newBuilder().setId(id).setAddress(address.toString())
                .setDeployment(deployment == null ? "" : deployment);
    }

    /**
     * Opens a channel to each of {@code registrars} and starts registering with each; none: a static server, whose
     * {@link #registered()} is complete at once. While a registrar cannot be reached, its channel reconnects at the
     * retry pace, not after gRPC's reconnect backoff of up to two minutes: a registrar back after an outage gets its
     * peers back within a retry interval.
     *
     * @param who          what registers, for logs ("compute server s1")
     * @param registrarKind what it registers with, for logs ("the load balancer")
     * @param method       the registration call ({@code RegisterServer}, {@code RegisterTerminal}); each call gets
     *                     {@link #CALL_DEADLINE}
     * @param registration what to send at each attempt (read again at each: a terminal's last window moves)
     * @param retry        wait between attempts while a registrar cannot be reached
     */
    public static PeerRegistration start(String who, String registrarKind, List<Endpoint> registrars,
                                         MethodDescriptor<Registration, Lease> method, Supplier<Registration> registration,
                                         GrpcTlsSettings tls, Duration retry) {
        return new PeerRegistration(registrars.stream().map(registrar -> {
            ManagedChannel channel = GrpcServers.channel(registrar, tls);
            LeaseRenewer.RegisterCall call = (request, observer) -> ClientCalls.asyncUnaryCall(channel.newCall(method,
                    CallOptions.DEFAULT.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)), request, observer);
            LeaseRenewer renewer = new LeaseRenewer(who + " with " + registrarKind + " at " + registrar, registration, call,
                    retry, channel::resetConnectBackoff).start();
            return new Link(channel, renewer);
        }).toList());
    }

    /**
     * Completes once one registrar acknowledged the first registration (any of them: the active proxy may be down while
     * a standby answers; the other load balancers follow as they come up); at once when there is none. Fails when the
     * first registrar to answer serves another deployment.
     */
    public CompletableFuture<Void> registered() {
        if (links.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.anyOf(links.stream().map(link -> link.renewer().registered())
                .toArray(CompletableFuture[]::new)).thenApply(any -> null);
    }

    /** Stops renewing (each registrar drops this server when its lease runs out) and closes the channels. */
    public void close() {
        for (Link link : links) {
            link.renewer().close();
            GrpcServers.close(link.channel(), Duration.ofSeconds(1));
        }
    }

    /** As {@link #close()}, but drops the channels at once, as a crash would. */
    public void closeNow() {
        for (Link link : links) {
            link.renewer().close();
            link.channel().shutdownNow();
        }
    }
}
