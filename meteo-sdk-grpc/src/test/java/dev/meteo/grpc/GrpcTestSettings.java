package dev.meteo.grpc;

import dev.meteo.grpc.compute.ComputeServerSettings;
import dev.meteo.grpc.terminal.TerminalServerSettings;

import java.time.Duration;

/**
 * Direct mode tuned for tests: leases, health checks and retries short enough that a crashed peer is noticed, and a
 * peer that comes back is registered again, within a test's time.
 */
final class GrpcTestSettings {

    static final Duration LEASE = Duration.ofSeconds(2);
    static final Duration HEALTH_CHECK = Duration.ofMillis(200);
    static final Duration REGISTRATION_RETRY = Duration.ofMillis(100);
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(1);

    private GrpcTestSettings() {
    }

    /** The whole of direct mode in this JVM, on free ports, with the short timings above. */
    static GrpcTransportSettings inOneProcess() {
        return GrpcTransportSettings.inOneProcess()
                .withLoadBalancer(lb -> lb.withServerLease(LEASE).withHealthCheckInterval(HEALTH_CHECK)
                        .withShutdownGrace(SHUTDOWN_GRACE))
                .withResultPublisher(proxy -> proxy.withTerminalLease(LEASE).withCallDeadline(Duration.ofMillis(300))
                        .withShutdownGrace(SHUTDOWN_GRACE))
                .withRecordPublisher(sensor -> sensor.withBackoff(Duration.ofMillis(20), Duration.ofMillis(500)))
                .withComputeServer(server -> computeSettings())
                .withTerminal(terminal -> terminalSettings());
    }

    static ComputeServerSettings computeSettings() {
        return ComputeServerSettings.defaults().withRegistrationRetry(REGISTRATION_RETRY).withShutdownGrace(SHUTDOWN_GRACE);
    }

    static TerminalServerSettings terminalSettings() {
        return TerminalServerSettings.defaults().withRegistrationRetry(REGISTRATION_RETRY).withShutdownGrace(SHUTDOWN_GRACE);
    }
}
