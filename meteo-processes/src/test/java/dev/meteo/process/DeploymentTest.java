package dev.meteo.process;

import dev.meteo.cli.options.Mode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each role's command line in a deployment of two load balancers and two proxies. */
class DeploymentTest {

    private final Deployment deployment = new Deployment(Mode.GRPC, "redis://127.0.0.1:6379/0", "meteo:demo-x:",
            "amqp://guest:guest@127.0.0.1:5672/", "meteo-demo-x", List.of("127.0.0.1:7101", "127.0.0.1:7103"),
            List.of("127.0.0.1:7102", "127.0.0.1:7104"), "127.0.0.1");

    @Test
    void eachLoadBalancerListensOnItsOwnAddress() {
        assertTrue(deployment.arguments("lb", 1).contains("--lb=127.0.0.1:7101"));
        assertTrue(deployment.arguments("lb", 2).contains("--lb=127.0.0.1:7103"));
    }

    @Test
    void eachProxyListensOnItsOwnAddressGivenFirst() {
        assertTrue(deployment.arguments("proxy", 1).contains("--proxy=127.0.0.1:7102,127.0.0.1:7104"));
        assertTrue(deployment.arguments("proxy", 2).contains("--proxy=127.0.0.1:7104,127.0.0.1:7102"));
    }

    @Test
    void sensorsAndServersAreGivenEveryLoadBalancerAndTerminalsEveryProxy() {
        assertTrue(deployment.arguments("sensor").contains("--lb=127.0.0.1:7101,127.0.0.1:7103"));
        assertTrue(deployment.arguments("server").contains("--lb=127.0.0.1:7101,127.0.0.1:7103"));
        assertTrue(deployment.arguments("terminal").contains("--proxy=127.0.0.1:7102,127.0.0.1:7104"));
    }

    @Test
    void everyRoleButTheSensorsIsToldTheDeploymentsRedisPrefixTheLoadBalancerToo() {
        for (String role : List.of("lb", "server", "proxy", "terminal")) {
            assertTrue(deployment.arguments(role).contains("--redis-prefix=" + deployment.redisPrefix()), role);
        }
        assertTrue(deployment.arguments("lb").stream().noneMatch(arg -> arg.startsWith("--redis-uri")));
        assertTrue(deployment.arguments("sensor").stream().noneMatch(arg -> arg.startsWith("--redis-")));
    }

    @Test
    void addressesAsTheOptionsSpellThemAreSplit() {
        Deployment spelled = new Deployment(Mode.RABBIT, "redis://r", "p:", "amqp://a", "q", "h:1, h:2", "h:3", "0.0.0.0");
        assertEquals(List.of("h:1", "h:2"), spelled.balancers());
        assertEquals(List.of("h:3"), spelled.proxies());
    }
}
