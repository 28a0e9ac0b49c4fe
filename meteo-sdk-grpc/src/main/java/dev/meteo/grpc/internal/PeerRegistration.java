package dev.meteo.grpc.internal;

import dev.meteo.grpc.Endpoint;
import dev.meteo.grpc.GrpcTlsSettings;
import dev.meteo.grpc.proto.Registration;
import io.grpc.ManagedChannel;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A server's registration with its registrar (a compute server with the load balancer, a terminal with the proxy):
 * one channel to the registrar and a {@link LeaseRenewer} on it, started together and stopped together. Shared by
 * both registering roles so that their lifecycles cannot drift apart.
 */
public final class PeerRegistration {

    /** Deadline of one registration call. */
    public static final Duration CALL_DEADLINE = Duration.ofSeconds(5);

    private final ManagedChannel channel;
    private final LeaseRenewer renewer;

    private PeerRegistration(ManagedChannel channel, LeaseRenewer renewer) {
        this.channel = channel;
        this.renewer = renewer;
    }

    /**
     * Opens a channel to {@code registrar} and starts registering. While the registrar cannot be reached, the channel
     * reconnects at the retry pace, not after gRPC's reconnect backoff of up to two minutes: a registrar back after
     * an outage gets its peers back within a retry interval.
     *
     * @param description  who registers where, for logs
     * @param registration what to send at each attempt
     * @param callOn       the registration call on a channel (a stub's method with {@link #CALL_DEADLINE})
     */
    public static PeerRegistration start(Endpoint registrar, GrpcTlsSettings tls, String description, Supplier<Registration> registration,
                                         Function<ManagedChannel, LeaseRenewer.RegisterCall> callOn, Duration retry) {
        ManagedChannel channel = GrpcServers.channel(registrar, tls);
        return new PeerRegistration(channel, new LeaseRenewer(description, registration, callOn.apply(channel), retry,
                channel::resetConnectBackoff).start());
    }

    /** Completes once the registrar acknowledged the first registration. */
    public CompletableFuture<Void> registered() {
        return renewer.registered();
    }

    /** Stops renewing (the registrar drops this server when the lease runs out) and closes the channel. */
    public void close() {
        renewer.close();
        GrpcServers.close(channel, Duration.ofSeconds(1));
    }

    /** As {@link #close()}, but drops the channel at once, as a crash would. */
    public void closeNow() {
        renewer.close();
        channel.shutdownNow();
    }
}
