package dev.meteo.grpc.balancer;

import dev.meteo.grpc.Endpoint;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the {@link GrpcLoadBalancer}.
 *
 * @param bindHost            interface to listen on; {@code 127.0.0.1} by default
 * @param port                port to listen on; {@code 0} picks a free one (see {@link GrpcLoadBalancer#port()})
 * @param serverLease         lease granted to a registering compute server: dropped unless it registers again in time
 *                            (servers renew every third of it)
 * @param healthCheckInterval how often every known server's {@code grpc.health.v1} status and lease are checked
 * @param attemptDeadline     deadline of one forwarding attempt to one server; must exceed the longest simulated
 *                            processing delay (and is cut short by the sensor's own deadline)
 * @param silenceTimeout      a server that answered nothing this long (no reply, no health check, no renewal: its
 *                            host is cut off) leaves the rotation and its calls in flight are retried on the next
 *                            server; keep it well under the proxy's grace (twice {@code healthCheckInterval}
 *                            at least is used, since a live server is heard once per check)
 * @param staticServers       servers known without registration (never expire; leave the rotation while their health
 *                            check fails and come back when it passes)
 * @param shutdownGrace       how long {@link GrpcLoadBalancer#close()} lets running calls finish
 * @param deployment          the deployment this load balancer serves: compute servers registering with another one are
 *                            refused ({@code FAILED_PRECONDITION}); {@code null} accepts any (the launcher: the
 *                            Redis key prefix)
 */
public record LoadBalancerSettings(String bindHost, int port, Duration serverLease, Duration healthCheckInterval,
                                   Duration attemptDeadline, Duration silenceTimeout, List<Endpoint> staticServers,
                                   Duration shutdownGrace, String deployment) {

    public LoadBalancerSettings {
        Objects.requireNonNull(bindHost, "bindHost");
        requirePositive(serverLease, "serverLease");
        requirePositive(healthCheckInterval, "healthCheckInterval");
        requirePositive(attemptDeadline, "attemptDeadline");
        requirePositive(silenceTimeout, "silenceTimeout");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        staticServers = List.copyOf(staticServers);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535: " + port);
        }
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }

    /**
     * 127.0.0.1, an ephemeral port, 6 s leases, health checks every second, 10 s per attempt, silent after 2 s, no
     * static servers.
     */
    public static LoadBalancerSettings defaults() {
        return new LoadBalancerSettings("127.0.0.1", 0, Duration.ofSeconds(6), Duration.ofSeconds(1),
                Duration.ofSeconds(10), Duration.ofSeconds(2), List.of(), Duration.ofSeconds(5), null);
    }

    public LoadBalancerSettings withPort(int newPort) {
        return new LoadBalancerSettings(bindHost, newPort, serverLease, healthCheckInterval, attemptDeadline, silenceTimeout, staticServers, shutdownGrace, deployment);
    }

    public LoadBalancerSettings withBindHost(String newBindHost) {
        return new LoadBalancerSettings(newBindHost, port, serverLease, healthCheckInterval, attemptDeadline, silenceTimeout, staticServers, shutdownGrace, deployment);
    }

    public LoadBalancerSettings withServerLease(Duration newLease) {
        return new LoadBalancerSettings(bindHost, port, newLease, healthCheckInterval, attemptDeadline, silenceTimeout, staticServers, shutdownGrace, deployment);
    }

    public LoadBalancerSettings withHealthCheckInterval(Duration newInterval) {
        return new LoadBalancerSettings(bindHost, port, serverLease, newInterval, attemptDeadline, silenceTimeout, staticServers, shutdownGrace, deployment);
    }

    public LoadBalancerSettings withAttemptDeadline(Duration newDeadline) {
        return new LoadBalancerSettings(bindHost, port, serverLease, healthCheckInterval, newDeadline, silenceTimeout, staticServers, shutdownGrace, deployment);
    }

    public LoadBalancerSettings withSilenceTimeout(Duration newTimeout) {
        return new LoadBalancerSettings(bindHost, port, serverLease, healthCheckInterval, attemptDeadline, newTimeout, staticServers, shutdownGrace, deployment);
    }

    public LoadBalancerSettings withStaticServers(List<Endpoint> servers) {
        return new LoadBalancerSettings(bindHost, port, serverLease, healthCheckInterval, attemptDeadline, silenceTimeout, servers, shutdownGrace, deployment);
    }

    /** The static servers listed in {@code file}, one {@code host:port} per line (see {@link Endpoint#readList}). */
    public LoadBalancerSettings withStaticServersFrom(Path file) {
        return withStaticServers(Endpoint.readList(file));
    }

    public LoadBalancerSettings withShutdownGrace(Duration newGrace) {
        return new LoadBalancerSettings(bindHost, port, serverLease, healthCheckInterval, attemptDeadline, silenceTimeout, staticServers, newGrace, deployment);
    }

    /** The deployment whose peers alone may register ({@code null}: any). */
    public LoadBalancerSettings withDeployment(String newDeployment) {
        return new LoadBalancerSettings(bindHost, port, serverLease, healthCheckInterval, attemptDeadline, silenceTimeout, staticServers, shutdownGrace, newDeployment);
    }
}
