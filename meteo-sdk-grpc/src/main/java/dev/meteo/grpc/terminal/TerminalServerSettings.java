package dev.meteo.grpc.terminal;

import dev.meteo.grpc.Endpoint;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of one {@link GrpcTerminalServer}.
 *
 * @param bindHost          interface to listen on; {@code 127.0.0.1} by default
 * @param port              port to listen on; {@code 0} picks a free one (see {@link GrpcTerminalServer#port()})
 * @param advertisedHost    host the proxy should call, or {@code null} for the bind host (the host name for a
 *                          wildcard bind)
 * @param proxies           the proxies to register with and renew the lease at (the active one and its standbys),
 *                          or none when the proxy knows this terminal from its static list
 * @param registrationRetry wait between registration attempts while the proxy is unreachable
 * @param shutdownGrace     how long {@link GrpcTerminalServer#close()} lets running calls finish
 * @param deployment        the deployment this terminal belongs to, sent with every registration so that
 *                          the proxy of another deployment refuses it; {@code null} states none (the launcher:
 *                          the Redis key prefix)
 */
public record TerminalServerSettings(String bindHost, int port, String advertisedHost, List<Endpoint> proxies,
                                     Duration registrationRetry, Duration shutdownGrace, String deployment) {

    public TerminalServerSettings {
        Objects.requireNonNull(bindHost, "bindHost");
        proxies = List.copyOf(proxies);
        Objects.requireNonNull(registrationRetry, "registrationRetry");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535: " + port);
        }
    }

    /** 127.0.0.1, an ephemeral port, no registration, retry every second, 5 s of grace at shutdown. */
    public static TerminalServerSettings defaults() {
        return new TerminalServerSettings("127.0.0.1", 0, null, List.of(), Duration.ofSeconds(1), Duration.ofSeconds(5), null);
    }

    public TerminalServerSettings withPort(int newPort) {
        return new TerminalServerSettings(bindHost, newPort, advertisedHost, proxies, registrationRetry, shutdownGrace, deployment);
    }

    public TerminalServerSettings withBindHost(String newBindHost) {
        return new TerminalServerSettings(newBindHost, port, advertisedHost, proxies, registrationRetry, shutdownGrace, deployment);
    }

    public TerminalServerSettings withAdvertisedHost(String newAdvertisedHost) {
        return new TerminalServerSettings(bindHost, port, newAdvertisedHost, proxies, registrationRetry, shutdownGrace, deployment);
    }

    /** Registers with (and heartbeats to) the proxy at {@code newProxy}. */
    public TerminalServerSettings withProxy(Endpoint newProxy) {
        return withProxies(List.of(newProxy));
    }

    /** Registers with every one of these proxies (an active one and its standbys). */
    public TerminalServerSettings withProxies(List<Endpoint> newProxies) {
        return new TerminalServerSettings(bindHost, port, advertisedHost, newProxies, registrationRetry, shutdownGrace, deployment);
    }

    public TerminalServerSettings withRegistrationRetry(Duration newRetry) {
        return new TerminalServerSettings(bindHost, port, advertisedHost, proxies, newRetry, shutdownGrace, deployment);
    }

    public TerminalServerSettings withShutdownGrace(Duration newGrace) {
        return new TerminalServerSettings(bindHost, port, advertisedHost, proxies, registrationRetry, newGrace, deployment);
    }

    /** The deployment this server states when it registers ({@code null}: none). */
    public TerminalServerSettings withDeployment(String newDeployment) {
        return new TerminalServerSettings(bindHost, port, advertisedHost, proxies, registrationRetry, shutdownGrace, newDeployment);
    }
}
