package dev.meteo.grpc.proxy;

import dev.meteo.grpc.Endpoint;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the proxy's {@link GrpcResultPublisher}.
 *
 * @param bindHost        interface the registration service listens on; {@code 127.0.0.1} by default
 * @param port            port of the registration service; {@code 0} picks a free one
 * @param terminalLease   lease granted to a registering terminal: dropped unless it registers again in time
 *                        (terminals renew every third of it)
 * @param callDeadline    deadline of one result delivery to one terminal; keep it below the window size, since
 *                        a publish waits for the slowest terminal up to this bound before the next window
 * @param staticTerminals terminals known without registration; they never expire
 * @param shutdownGrace   how long {@link GrpcResultPublisher#close()} lets running calls finish
 * @param deployment      the deployment this proxy serves: terminals registering with another one are
 *                        refused ({@code FAILED_PRECONDITION}); {@code null} accepts any (the launcher: the
 *                        Redis key prefix)
 */
public record ResultPublisherSettings(String bindHost, int port, Duration terminalLease, Duration callDeadline,
                            List<Endpoint> staticTerminals, Duration shutdownGrace, String deployment) {

    public ResultPublisherSettings {
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(terminalLease, "terminalLease");
        Objects.requireNonNull(callDeadline, "callDeadline");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        staticTerminals = List.copyOf(staticTerminals);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535: " + port);
        }
        if (terminalLease.isZero() || terminalLease.isNegative() || callDeadline.isZero() || callDeadline.isNegative()) {
            throw new IllegalArgumentException("terminalLease and callDeadline must be positive");
        }
    }

    /** 127.0.0.1, an ephemeral port, 6 s leases, 1 s per delivery, no static terminals. */
    public static ResultPublisherSettings defaults() {
        return new ResultPublisherSettings("127.0.0.1", 0, Duration.ofSeconds(6), Duration.ofSeconds(1), List.of(),
                Duration.ofSeconds(5), null);
    }

    public ResultPublisherSettings withPort(int newPort) {
        return new ResultPublisherSettings(bindHost, newPort, terminalLease, callDeadline, staticTerminals, shutdownGrace, deployment);
    }

    public ResultPublisherSettings withBindHost(String newBindHost) {
        return new ResultPublisherSettings(newBindHost, port, terminalLease, callDeadline, staticTerminals, shutdownGrace, deployment);
    }

    public ResultPublisherSettings withTerminalLease(Duration newLease) {
        return new ResultPublisherSettings(bindHost, port, newLease, callDeadline, staticTerminals, shutdownGrace, deployment);
    }

    public ResultPublisherSettings withCallDeadline(Duration newDeadline) {
        return new ResultPublisherSettings(bindHost, port, terminalLease, newDeadline, staticTerminals, shutdownGrace, deployment);
    }

    public ResultPublisherSettings withStaticTerminals(List<Endpoint> terminals) {
        return new ResultPublisherSettings(bindHost, port, terminalLease, callDeadline, terminals, shutdownGrace, deployment);
    }

    /** The static terminals listed in {@code file}, one {@code host:port} per line (see {@link Endpoint#readList}). */
    public ResultPublisherSettings withStaticTerminalsFrom(Path file) {
        return withStaticTerminals(Endpoint.readList(file));
    }

    public ResultPublisherSettings withShutdownGrace(Duration newGrace) {
        return new ResultPublisherSettings(bindHost, port, terminalLease, callDeadline, staticTerminals, newGrace, deployment);
    }

    /** The deployment whose peers alone may register ({@code null}: any). */
    public ResultPublisherSettings withDeployment(String newDeployment) {
        return new ResultPublisherSettings(bindHost, port, terminalLease, callDeadline, staticTerminals, shutdownGrace, newDeployment);
    }
}
