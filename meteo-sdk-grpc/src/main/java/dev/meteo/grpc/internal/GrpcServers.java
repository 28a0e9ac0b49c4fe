package dev.meteo.grpc.internal;

import dev.meteo.grpc.Endpoint;
import dev.meteo.grpc.GrpcTlsSettings;
import dev.meteo.internal.PemTls;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * The lifecycle every Meteo gRPC role shares: bind a server to one interface (127.0.0.1 by default, port 0 for an
 * ephemeral port), open channels to peers, and stop both gracefully within a bound (RouteGuideServer's
 * pattern: {@code shutdown()}, wait, then {@code shutdownNow()}). Every server and channel of Meteo is built here, with
 * the process's {@link GrpcTlsSettings}: plaintext, TLS or mutual TLS (gRPC's {@link TlsServerCredentials} and
 * {@link TlsChannelCredentials}, key and trust material read from PEM by {@link PemTls}).
 *
 * <p>Executors: servers and channels built here run their callbacks on the transport's event-loop threads
 * ({@code directExecutor}) unless the caller configures another. On few cores gRPC's default cached pool caps a relay
 * hop several times below {@code directExecutor} or a small fixed pool (figures in the report). It is only correct for
 * handlers that never block, which is why every Meteo handler replies from a future;
 * the terminal, whose sinks may block, uses its own single thread instead.
 */
public final class GrpcServers {

    private static final Logger LOG = Logger.getLogger(GrpcServers.class.getName());

    private GrpcServers() {
    }

    /**
     * Builds and starts a server on {@code host:port}, secured as {@code tls} says; {@code configure} adds services and
     * an executor.
     *
     * @throws UncheckedIOException when the address cannot be bound
     * @throws IllegalArgumentException when the TLS files cannot be used (the message names the file)
     */
    public static Server start(String host, int port, GrpcTlsSettings tls, UnaryOperator<NettyServerBuilder> configure) {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port), serverCredentials(tls));
        try {
            return configure.apply(builder).build().start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a gRPC server to " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** A channel to a peer whose callbacks run on the transport threads (see the class comment). */
    public static ManagedChannel channel(Endpoint endpoint, GrpcTlsSettings tls) {
        return NettyChannelBuilder.forAddress(endpoint.host(), endpoint.port(), channelCredentials(tls))
                .directExecutor()
                .build();
    }

    /**
     * A channel to several equivalent peers (load balancers): gRPC's {@code round_robin} spreads calls over the ones
     * that are up and skips one that is down until it answers again. Under TLS each peer's certificate is checked
     * against its own host. One peer: {@link #channel(Endpoint, GrpcTlsSettings)}.
     */
    public static ManagedChannel channel(List<Endpoint> endpoints, GrpcTlsSettings tls) {
        if (endpoints.size() == 1) {
            return channel(endpoints.get(0), tls);
        }
        return NettyChannelBuilder.forTarget(EndpointListResolver.target(endpoints), channelCredentials(tls))
                .defaultLoadBalancingPolicy("round_robin")
                .directExecutor()
                .build();
    }

    private static ServerCredentials serverCredentials(GrpcTlsSettings tls) {
        if (!tls.enabled()) {
            return InsecureServerCredentials.create();
        }
        if (tls.certificateChain() == null) {
            throw new IllegalArgumentException("a TLS server needs its certificate and key (--tls-cert, --tls-key); "
                    + "only --tls-ca was given");
        }
        TlsServerCredentials.Builder credentials = TlsServerCredentials.newBuilder()
                .keyManager(PemTls.keyManagers(tls.certificateChain(), tls.privateKey()));
        if (tls.trustedCa() != null) {
            credentials.trustManager(PemTls.trustManagers(tls.trustedCa()));
        }
        return credentials.clientAuth(tls.clientAuth() == GrpcTlsSettings.ClientAuth.REQUIRE
                ? TlsServerCredentials.ClientAuth.REQUIRE : TlsServerCredentials.ClientAuth.NONE).build();
    }

    private static ChannelCredentials channelCredentials(GrpcTlsSettings tls) {
        if (!tls.enabled()) {
            return InsecureChannelCredentials.create();
        }
        TlsChannelCredentials.Builder credentials = TlsChannelCredentials.newBuilder();
        if (tls.certificateChain() != null) { // presented when the server asks (mutual TLS)
            credentials.keyManager(PemTls.keyManagers(tls.certificateChain(), tls.privateKey()));
        }
        if (tls.trustedCa() != null) {
            credentials.trustManager(PemTls.trustManagers(tls.trustedCa()));
        }
        return credentials.build();
    }

    /** Graceful stop: no new calls, running calls get {@code grace} to finish, then they are cancelled. */
    public static void stop(Server server, Duration grace, String role) {
        server.shutdown();
        try {
            if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warning(role + ": calls still running after " + grace.toMillis() + " ms; cancelling them");
                server.shutdownNow();
                server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Graceful close of a channel: calls in flight get {@code grace} to finish. */
    public static void close(ManagedChannel channel, Duration grace) {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The host a server tells its peers to call back: {@code advertisedHost} when set, else the bind host, except for
     * a wildcard bind (0.0.0.0, ::) where the machine's host name is the only useful answer.
     */
    public static String advertisedHost(String bindHost, String advertisedHost) {
        if (advertisedHost != null && !advertisedHost.isBlank()) {
            return advertisedHost;
        }
        try {
            if (InetAddress.getByName(bindHost).isAnyLocalAddress()) {
                return InetAddress.getLocalHost().getHostName();
            }
        } catch (UnknownHostException e) {
            // fall back to the bind host; the peer will report it unreachable
        }
        return bindHost;
    }
}
