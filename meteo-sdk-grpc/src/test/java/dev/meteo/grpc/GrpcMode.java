package dev.meteo.grpc;

import dev.meteo.compute.ComputeNode;
import dev.meteo.contract.ModeUnderTest;
import dev.meteo.grpc.balancer.GrpcLoadBalancer;
import dev.meteo.grpc.balancer.LoadBalancerSettings;
import dev.meteo.grpc.compute.ComputeServerSettings;
import dev.meteo.grpc.compute.GrpcComputeServer;
import dev.meteo.grpc.proxy.GrpcProxyPublisher;
import dev.meteo.grpc.proxy.ProxySettings;
import dev.meteo.grpc.sensor.GrpcRecordPublisher;
import dev.meteo.grpc.sensor.RecordPublisherSettings;
import dev.meteo.grpc.terminal.GrpcTerminalServer;
import dev.meteo.grpc.terminal.TerminalServerSettings;
import dev.meteo.grpc.wire.Endpoint;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.terminal.Terminal;
import dev.meteo.window.WindowResultPublisher;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * Direct mode wired for tests: a load balancer and a proxy on ephemeral ports, compute servers and terminals that
 * register with them. Leases and health checks are short so that a crashed peer is noticed within a test's time.
 */
final class GrpcMode implements ModeUnderTest {

    static final Duration LEASE = Duration.ofSeconds(2);
    static final Duration HEALTH_CHECK = Duration.ofMillis(200);
    static final Duration REGISTRATION_RETRY = Duration.ofMillis(100);

    final GrpcLoadBalancer balancer;
    final GrpcProxyPublisher proxy;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    GrpcMode() {
        balancer = GrpcLoadBalancer.start(LoadBalancerSettings.defaults()
                .withServerLease(LEASE).withHealthCheckInterval(HEALTH_CHECK).withShutdownGrace(Duration.ofSeconds(1)));
        proxy = GrpcProxyPublisher.start(ProxySettings.defaults()
                .withTerminalLease(LEASE).withCallDeadline(Duration.ofMillis(300)).withShutdownGrace(Duration.ofSeconds(1)));
    }

    Endpoint balancerEndpoint() {
        return new Endpoint("127.0.0.1", balancer.port());
    }

    Endpoint proxyEndpoint() {
        return new Endpoint("127.0.0.1", proxy.port());
    }

    static ComputeServerSettings computeSettings() {
        return new ComputeServerSettings("127.0.0.1", 0, null, null, REGISTRATION_RETRY, Duration.ofSeconds(1));
    }

    static TerminalServerSettings terminalSettings() {
        return new TerminalServerSettings("127.0.0.1", 0, null, null, REGISTRATION_RETRY, Duration.ofSeconds(1));
    }

    /** A compute server registered with the load balancer; closing the handle kills it like a crash. */
    @Override
    public Handle startComputeServer(ComputeNode node) throws Exception {
        GrpcComputeServer server = GrpcComputeServer.start(computeSettings().withBalancer(balancerEndpoint()), node);
        started.push(server);
        server.registered().get(10, TimeUnit.SECONDS);
        return server::closeNow;
    }

    @Override
    public RecordPublisher recordPublisher(String sensorId) {
        GrpcRecordPublisher publisher = new GrpcRecordPublisher(RecordPublisherSettings.of(balancerEndpoint())
                .withBackoff(Duration.ofMillis(20), Duration.ofMillis(500)));
        started.push(publisher);
        return publisher;
    }

    @Override
    public WindowResultPublisher resultPublisher() {
        return proxy;
    }

    /** A terminal registered with the proxy; closing the handle kills it like a crash. */
    @Override
    public Handle startTerminal(Terminal terminal) throws Exception {
        GrpcTerminalServer server = GrpcTerminalServer.start(terminalSettings().withProxy(proxyEndpoint()), terminal);
        started.push(server);
        server.registered().get(10, TimeUnit.SECONDS);
        return server::closeNow;
    }

    @Override
    public void close() throws Exception {
        while (!started.isEmpty()) {
            started.pop().close();
        }
        proxy.close();
        balancer.close();
    }
}
