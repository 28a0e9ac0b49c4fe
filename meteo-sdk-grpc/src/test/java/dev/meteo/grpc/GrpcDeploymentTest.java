package dev.meteo.grpc;

import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.grpc.balancer.GrpcLoadBalancer;
import dev.meteo.grpc.balancer.LoadBalancerSettings;
import dev.meteo.grpc.compute.GrpcComputeServer;
import dev.meteo.grpc.proxy.GrpcResultPublisher;
import dev.meteo.grpc.proxy.ResultPublisherSettings;
import dev.meteo.grpc.terminal.GrpcTerminalServer;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.terminal.RecordingSink;
import dev.meteo.terminal.Terminal;
import dev.meteo.testing.Closer;
import dev.meteo.testing.RedisTestSupport;
import dev.meteo.transport.WrongDeploymentException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Registrations carry the deployment: the load balancer refuses a compute server of another deployment and the proxy
 * a terminal of another one, with {@code FAILED_PRECONDITION} naming both, and the refused peer is told at once
 * ({@link WrongDeploymentException}) instead of retrying; a peer that states no deployment is accepted. Over real
 * sockets.
 */
class GrpcDeploymentTest {

    private static final Duration AWAIT = Duration.ofSeconds(10);

    private final Closer closer = new Closer();
    private RedisMeteoStore store;

    @BeforeEach
    void setUp() {
        store = RedisTestSupport.freshStore();
    }

    @AfterEach
    void tearDown() {
        closer.close();
        store.deleteAll();
        store.close();
    }

    private GrpcLoadBalancer balancer(String deployment) {
        return closer.add(GrpcLoadBalancer.start(LoadBalancerSettings.defaults().withDeployment(deployment)
                .withHealthCheckInterval(GrpcTestSettings.HEALTH_CHECK).withShutdownGrace(Duration.ofSeconds(1))));
    }

    private GrpcComputeServer server(String id, String deployment, GrpcLoadBalancer balancer) {
        ComputeNode node = closer.add(new ComputeNode(ComputeSettings.of(id), store, Clock.systemUTC()));
        return closer.add(GrpcComputeServer.start(GrpcTestSettings.computeSettings().withDeployment(deployment)
                .withBalancer(new Endpoint("127.0.0.1", balancer.port())), node));
    }

    @Test
    void aComputeServerOfAnotherDeploymentIsRefusedAndToldWhichDeploymentTheLoadBalancerServes() throws Exception {
        GrpcLoadBalancer balancer = balancer("meteo:");
        GrpcComputeServer own = server("own", "meteo:", balancer);
        own.registered().get(AWAIT.toSeconds(), TimeUnit.SECONDS);

        GrpcComputeServer foreign = server("foreign", "wrong:", balancer);
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> foreign.registered().get(AWAIT.toSeconds(), TimeUnit.SECONDS));
        WrongDeploymentException told = assertInstanceOf(WrongDeploymentException.class, refused.getCause());
        assertTrue(told.getMessage().contains("serves deployment 'meteo:'")
                && told.getMessage().contains("belongs to deployment 'wrong:'")
                && told.getMessage().contains("--redis-prefix meteo:"), told.getMessage());
        assertEquals(List.of(own.endpoint().toString()), balancer.liveServers());
    }

    @Test
    void aPeerThatStatesNoDeploymentAndARegistrarThatServesNoneAccept() throws Exception {
        GrpcLoadBalancer strict = balancer("meteo:");
        server("unstated", null, strict).registered().get(AWAIT.toSeconds(), TimeUnit.SECONDS);
        GrpcLoadBalancer open = balancer(null);
        server("stated", "anything:", open).registered().get(AWAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aTerminalOfAnotherDeploymentIsRefusedByTheProxy() throws Exception {
        GrpcResultPublisher proxy = closer.add(GrpcResultPublisher.start(ResultPublisherSettings.defaults()
                .withDeployment("meteo:").withShutdownGrace(Duration.ofSeconds(1)), null));
        Endpoint registry = new Endpoint("127.0.0.1", proxy.port());
        Terminal own = new Terminal("own", List.of(new RecordingSink()));
        closer.add(GrpcTerminalServer.start(GrpcTestSettings.terminalSettings().withDeployment("meteo:")
                .withProxy(registry), own)).registered().get(AWAIT.toSeconds(), TimeUnit.SECONDS);

        Terminal foreign = new Terminal("foreign", List.of(new RecordingSink()));
        GrpcTerminalServer refusedTerminal = closer.add(GrpcTerminalServer.start(GrpcTestSettings.terminalSettings()
                .withDeployment("wrong:").withProxy(registry), foreign));
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> refusedTerminal.registered().get(AWAIT.toSeconds(), TimeUnit.SECONDS));
        WrongDeploymentException told = assertInstanceOf(WrongDeploymentException.class, refused.getCause());
        assertTrue(told.getMessage().contains("the proxy serves deployment 'meteo:'")
                && told.getMessage().contains("terminal foreign"), told.getMessage());
        assertEquals(List.of("own"), proxy.terminalStatuses().stream().map(GrpcResultPublisher.TerminalStatus::id).toList());
    }
}
