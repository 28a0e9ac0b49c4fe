package dev.meteo.grpc;

import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.grpc.balancer.GrpcLoadBalancer;
import dev.meteo.grpc.balancer.LoadBalancerSettings;
import dev.meteo.grpc.compute.GrpcComputeServer;
import dev.meteo.grpc.internal.GrpcServers;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.testing.RedisTestSupport;
import dev.meteo.testing.TestCertificates;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Direct mode's TLS over real sockets, with a CA made at test time: under mutual TLS a server serves only clients whose
 * certificate the CA signed; a client accepts only a server whose certificate the CA signed for the host it called.
 */
class GrpcTlsTest {

    @TempDir
    static Path dir;

    private static TestCertificates pki;
    private static TestCertificates.Issued node;
    private static TestCertificates.Issued rogue;

    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();

    @BeforeAll
    static void makeCertificates() {
        pki = TestCertificates.authority(dir, "meteo");
        node = pki.issueForLoopback("node");
        rogue = TestCertificates.authority(dir, "rogue").issueForLoopback("rogue");
    }

    @AfterEach
    void tearDown() throws Exception {
        while (!toClose.isEmpty()) {
            toClose.pop().close();
        }
    }

    private static GrpcTlsSettings mutual() {
        return GrpcTlsSettings.of(node.certificate(), node.key(), pki.ca()).requiringClientCertificates();
    }

    private GrpcLoadBalancer balancer(GrpcTlsSettings tls, String host) {
        GrpcLoadBalancer balancer = GrpcLoadBalancer.start(LoadBalancerSettings.defaults().withBindHost(host)
                .withHealthCheckInterval(GrpcTestSettings.HEALTH_CHECK).withShutdownGrace(Duration.ofSeconds(1)), tls);
        toClose.push(balancer);
        return balancer;
    }

    /**
     * The server's health as a client with {@code tls} sees it; throws the call's status when refused (UNAVAILABLE
     * once the handshake failed, unless {@code waitForReady}: then the call waits for a server that completes one).
     */
    private static ServingStatus check(List<Endpoint> servers, GrpcTlsSettings tls, boolean waitForReady) {
        ManagedChannel channel = GrpcServers.channel(servers, tls);
        try {
            HealthGrpc.HealthBlockingStub stub = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
            return (waitForReady ? stub.withWaitForReady() : stub)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus();
        } finally {
            channel.shutdownNow();
        }
    }

    private static ServingStatus check(GrpcLoadBalancer balancer, GrpcTlsSettings tls) {
        return check(List.of(new Endpoint("127.0.0.1", balancer.port())), tls, false);
    }

    private static void assertRefused(GrpcLoadBalancer balancer, GrpcTlsSettings client) {
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> check(balancer, client));
        assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), refused.toString()); // the handshake failed
    }

    @Test
    void aClientWhoseCertificateTheCaSignedIsServedUnderMutualTls() {
        assertEquals(ServingStatus.SERVING, check(balancer(mutual(), "127.0.0.1"), mutual()));
    }

    @Test
    void aClientWithoutACertificateIsRefusedUnderMutualTls() {
        assertRefused(balancer(mutual(), "127.0.0.1"), new GrpcTlsSettings(null, null, pki.ca(), GrpcTlsSettings.ClientAuth.NONE));
    }

    @Test
    void aClientWhoseCertificateAnotherCaSignedIsRefusedUnderMutualTls() {
        assertRefused(balancer(mutual(), "127.0.0.1"), GrpcTlsSettings.of(rogue.certificate(), rogue.key(), pki.ca()));
    }

    @Test
    void aPlaintextClientIsRefusedByATlsServer() {
        assertRefused(balancer(GrpcTlsSettings.of(node.certificate(), node.key(), pki.ca()), "127.0.0.1"),
                GrpcTlsSettings.plaintext());
    }

    @Test
    void aClientRefusesAServerWhoseCertificateItsCaDidNotSign() {
        GrpcLoadBalancer impostor = balancer(GrpcTlsSettings.of(rogue.certificate(), rogue.key(), null), "127.0.0.1");
        assertRefused(impostor, GrpcTlsSettings.of(node.certificate(), node.key(), pki.ca()));
    }

    @Test
    void aClientRefusesAServerWhoseCertificateDoesNotNameTheHostItCalled() {
        TestCertificates.Issued elsewhere = pki.issue("elsewhere", List.of("elsewhere.example"));
        GrpcLoadBalancer misnamed = balancer(GrpcTlsSettings.of(elsewhere.certificate(), elsewhere.key(), null), "127.0.0.1");
        assertRefused(misnamed, GrpcTlsSettings.of(node.certificate(), node.key(), pki.ca()));
    }

    /**
     * Several load balancers on one channel: each one's certificate is checked against its own host, not the first
     * one's. The first is down; the second, on 127.0.0.2, has a certificate for 127.0.0.2 alone.
     */
    @Test
    void aChannelToSeveralLoadBalancersChecksEachAgainstItsOwnHost() {
        TestCertificates.Issued second = pki.issue("second", List.of("127.0.0.2"));
        GrpcLoadBalancer running = balancer(GrpcTlsSettings.of(second.certificate(), second.key(), pki.ca()), "127.0.0.2");
        Endpoint down = new Endpoint("127.0.0.1", dev.meteo.testing.RedisProcess.freePort());
        assertEquals(ServingStatus.SERVING, check(List.of(down, new Endpoint("127.0.0.2", running.port())),
                new GrpcTlsSettings(null, null, pki.ca(), GrpcTlsSettings.ClientAuth.NONE), true));
    }

    @Test
    void aComputeServerWhoseCertificateAnotherCaSignedCannotRegisterUnderMutualTls() throws Exception {
        GrpcLoadBalancer balancer = balancer(mutual(), "127.0.0.1");
        RedisMeteoStore store = RedisTestSupport.freshStore();
        toClose.push(() -> {
            store.deleteAll();
            store.close();
        });
        Endpoint at = new Endpoint("127.0.0.1", balancer.port());
        GrpcComputeServer impostor = start("impostor", at, store,
                GrpcTlsSettings.of(rogue.certificate(), rogue.key(), pki.ca()));
        GrpcComputeServer trusted = start("trusted", at, store, mutual());
        trusted.registered().get(30, TimeUnit.SECONDS);
        // both have tried for as long; only the one with a certificate got in
        await().atMost(Duration.ofSeconds(10)).until(() -> balancer.liveServers().size() == 1);
        assertEquals(List.of("127.0.0.1:" + trusted.port()), balancer.liveServers());
        assertFalse(impostor.registered().isDone());
    }

    private GrpcComputeServer start(String id, Endpoint balancer, RedisMeteoStore store, GrpcTlsSettings tls) {
        ComputeNode node = new ComputeNode(ComputeSettings.of(id), store, Clock.systemUTC());
        toClose.push(node);
        GrpcComputeServer server = GrpcComputeServer.start(GrpcTestSettings.computeSettings().withBalancer(balancer),
                tls, node);
        toClose.push(server);
        return server;
    }
}
