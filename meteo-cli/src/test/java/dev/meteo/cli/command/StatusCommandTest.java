package dev.meteo.cli.command;

import dev.meteo.cli.Launcher;
import dev.meteo.cli.Processes;
import dev.meteo.cli.options.Mode;
import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.grpc.Endpoint;
import dev.meteo.grpc.GrpcTransport;
import dev.meteo.grpc.GrpcTransportSettings;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.RabbitTransport;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.sensor.Sensor;
import dev.meteo.sensor.SensorSettings;
import dev.meteo.sensor.SensorType;
import dev.meteo.terminal.Terminal;
import dev.meteo.transport.Transport;
import dev.meteo.window.AggregatorSettings;
import dev.meteo.window.WindowAggregator;
import dev.meteo.window.WindowResultPublisher;
import dev.meteo.window.WindowSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code meteo status} against a running pipeline in each mode (the roles in this JVM, on the real Redis and broker):
 * healthy, it names the active proxy, the deployment's window and grace (read from Redis, not given), the compute
 * server and the terminal, and exits 0; once the proxy is killed
 * (without giving its lease back) and its lease has run out, it says that no proxy holds the lease and exits 1.
 */
class StatusCommandTest {

    private static final String REDIS_URI = System.getenv().getOrDefault("METEO_REDIS_URI", RedisSettings.DEFAULT_URI);
    private static final String RABBIT_URI = System.getenv().getOrDefault("METEO_RABBIT_URI", RabbitSettings.DEFAULT_URI);
    private static final Duration WINDOW = Duration.ofMillis(500);
    private static final Duration GRACE = Duration.ofMillis(500);

    @ParameterizedTest
    @EnumSource(Mode.class)
    void healthyWithItsProxyAndUnhealthyOnceTheProxyIsKilled(Mode mode) throws Exception {
        String run = "meteo-status-test-" + UUID.randomUUID().toString().substring(0, 8);
        // no --window, --grace: the deployment's, which its proxy wrote in Redis
        List<String> status = new ArrayList<>(List.of("status", "--mode", mode.name(), "--every", "200ms",
                "--redis-uri", REDIS_URI, "--redis-prefix", run + ":"));
        Endpoint balancerAt = new Endpoint("127.0.0.1", Processes.freePort());
        Endpoint proxyAt = new Endpoint("127.0.0.1", Processes.freePort());
        RabbitSettings rabbit = RabbitSettings.of(RABBIT_URI).withNamePrefix(run);
        Transport transport;
        if (mode == Mode.GRPC) {
            transport = GrpcTransport.of(GrpcTransportSettings.of(balancerAt, proxyAt));
            status.addAll(List.of("--lb", balancerAt.toString(), "--proxy", proxyAt.toString()));
        } else {
            transport = RabbitTransport.of(rabbit);
            status.addAll(List.of("--rabbit-uri", RABBIT_URI, "--rabbit-prefix", run, "--terminal", "status-terminal"));
        }
        // the proxy's own connection to Redis, so that it can be killed: gone at once, its lease left to expire
        RedisMeteoStore proxyStore = new RedisMeteoStore(RedisSettings.of(REDIS_URI, run + ":"));
        try (RedisMeteoStore store = new RedisMeteoStore(RedisSettings.of(REDIS_URI, run + ":"));
             Transport.Running balancer = transport.startLoadBalancer();
             ComputeNode node = new ComputeNode(ComputeSettings.of("status-server"), store, Clock.systemUTC());
             Transport.Running server = transport.startComputeServer(node);
             Terminal terminal = new Terminal("status-terminal", List.of(result -> { }))) {
            WindowResultPublisher publisher = transport.openResultPublisher(proxyStore);
            Transport.Running receiving = transport.startTerminal(terminal);
            WindowAggregator proxy = new WindowAggregator(AggregatorSettings.of(WindowSpec.of(WINDOW, GRACE), "status-proxy")
                    .withLease(Duration.ofSeconds(2), Duration.ofMillis(100)), proxyStore, publisher, Clock.systemUTC()).start();
            RecordPublisher records = transport.openRecordPublisher("status-air");
            Sensor sensor = new Sensor(SensorSettings.of("status-air", SensorType.AIR).withInterval(Duration.ofMillis(50)),
                    records, Clock.systemUTC()).start();
            try {
                server.ready().get(30, TimeUnit.SECONDS);
                receiving.ready().get(30, TimeUnit.SECONDS);

                Launcher[] healthy = {null};
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    healthy[0] = new Launcher(Map.of());
                    return healthy[0].execute(status.toArray(String[]::new)) == 0;
                });
                String out = healthy[0].out();
                System.out.println(out);
                assertTrue(out.contains(": HEALTHY") && out.contains("active proxy      status-proxy/"), out);
                assertTrue(out.contains("windows           0.5 s, grace 0.5 s (the deployment's"),
                        "the window and grace read from Redis, as the proxy wrote them: " + out);
                assertTrue(out.matches("(?s).*records/s\\s+\\d+\\.\\d.*"), out);
                if (mode == Mode.GRPC) {
                    assertTrue(out.contains("compute servers   1 live of 1") && out.contains("status-server"), out);
                    assertTrue(out.contains("terminals         1 receiving of 1") && out.contains("status-terminal"), out);
                } else {
                    assertTrue(out.contains("queue " + run + ".records") && out.contains("1 consumer"), out);
                    assertTrue(out.contains("queue " + run + ".terminal.status-terminal"), out);
                }

                // the proxy is killed: its store connection goes first, so it cannot give its lease back
                proxyStore.close();
                proxy.close();
                publisher.close();
                Launcher[] unhealthy = {null};
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    unhealthy[0] = new Launcher(Map.of());
                    return unhealthy[0].execute(status.toArray(String[]::new)) == StatusCommand.UNHEALTHY;
                });
                out = unhealthy[0].out();
                assertTrue(out.contains(": UNHEALTHY") && out.contains("PROBLEM: no proxy holds the lease"), out);
            } finally {
                sensor.close();
                records.close();
                proxy.close();
                publisher.close();
                proxyStore.close();
                receiving.close();
                store.deleteAll();
                if (mode == Mode.RABBIT) {
                    try (var connection = RabbitConnections.open(rabbit, "status-test-cleanup")) {
                        new Topology(rabbit).deleteAll(connection, List.of("status-terminal"));
                    }
                }
            }
        }
    }
}
