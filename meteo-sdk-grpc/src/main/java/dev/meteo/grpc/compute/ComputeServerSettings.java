package dev.meteo.grpc.compute;

import dev.meteo.grpc.Endpoint;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of one {@link GrpcComputeServer}.
 *
 * @param bindHost          interface to listen on; {@code 127.0.0.1} by default, {@code 0.0.0.0} for every interface
 * @param port              port to listen on; {@code 0} picks a free one (see {@link GrpcComputeServer#port()})
 * @param advertisedHost    host the load balancer should call back, or {@code null} for the bind host (the host name
 *                          for a wildcard bind)
 * @param balancers         the load balancers to register with and renew the lease at, every one of them (empty when
 *                          the load balancer knows this server from its static list)
 * @param registrationRetry wait between registration attempts while the load balancer is unreachable
 * @param shutdownGrace     how long {@link GrpcComputeServer#close()} lets running calls finish
 * @param deployment        the deployment this compute server belongs to, sent with every registration so that
 *                          the load balancer of another deployment refuses it; {@code null} states none (the launcher:
 *                          the Redis key prefix)
 */
public record ComputeServerSettings(String bindHost, int port, String advertisedHost, List<Endpoint> balancers,
                                    Duration registrationRetry, Duration shutdownGrace, String deployment) {

    public static final String DEFAULT_BIND_HOST = "127.0.0.1";

    public ComputeServerSettings {
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(registrationRetry, "registrationRetry");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        balancers = List.copyOf(balancers);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535: " + port);
        }
    }

    /** 127.0.0.1, an ephemeral port, no registration, retry every second, 5 s of grace at shutdown. */
    public static ComputeServerSettings defaults() {
        return new ComputeServerSettings(DEFAULT_BIND_HOST, 0, null, List.of(), Duration.ofSeconds(1), Duration.ofSeconds(5), null);
    }

    public ComputeServerSettings withPort(int newPort) {
        return new ComputeServerSettings(bindHost, newPort, advertisedHost, balancers, registrationRetry, shutdownGrace, deployment);
    }

    public ComputeServerSettings withBindHost(String newBindHost) {
        return new ComputeServerSettings(newBindHost, port, advertisedHost, balancers, registrationRetry, shutdownGrace, deployment);
    }

    public ComputeServerSettings withAdvertisedHost(String newAdvertisedHost) {
        return new ComputeServerSettings(bindHost, port, newAdvertisedHost, balancers, registrationRetry, shutdownGrace, deployment);
    }

    /** Registers with (and heartbeats to) the load balancer at {@code newBalancer}. */
    public ComputeServerSettings withBalancer(Endpoint newBalancer) {
        return withBalancers(List.of(newBalancer));
    }

    /** Registers with (and heartbeats to) every one of these load balancers, so that each can forward to it. */
    public ComputeServerSettings withBalancers(List<Endpoint> newBalancers) {
        return new ComputeServerSettings(bindHost, port, advertisedHost, newBalancers, registrationRetry, shutdownGrace, deployment);
    }

    public ComputeServerSettings withRegistrationRetry(Duration newRetry) {
        return new ComputeServerSettings(bindHost, port, advertisedHost, balancers, newRetry, shutdownGrace, deployment);
    }

    public ComputeServerSettings withShutdownGrace(Duration newGrace) {
        return new ComputeServerSettings(bindHost, port, advertisedHost, balancers, registrationRetry, newGrace, deployment);
    }

    /** The deployment this server states when it registers ({@code null}: none). */
    public ComputeServerSettings withDeployment(String newDeployment) {
        return new ComputeServerSettings(bindHost, port, advertisedHost, balancers, registrationRetry, shutdownGrace, newDeployment);
    }
}
