package dev.meteo.examples;

import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.formula.ProcessingDelay;
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
import dev.meteo.model.Accounting;
import dev.meteo.sensor.Sensor;
import dev.meteo.sensor.SensorSettings;
import dev.meteo.sensor.SensorType;
import dev.meteo.store.redis.RedisMeteoStore;
import dev.meteo.store.redis.RedisSettings;
import dev.meteo.terminal.RecordingSink;
import dev.meteo.terminal.Terminal;
import dev.meteo.terminal.TerminalSink;
import dev.meteo.window.AggregatorSettings;
import dev.meteo.window.WindowAggregator;
import dev.meteo.window.WindowSpec;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The direct mode in one JVM, over real gRPC on loopback ports: 2 air and 2 pollution sensors call the load
 * balancer, which forwards each record round-robin to 2 compute servers (they register with it); the proxy (window
 * aggregator) calls the 2 terminals (they register with it). Every server picks a free port. Redis as in
 * {@link InProcessPipeline}: {@code METEO_REDIS_URI}, default 127.0.0.1:6379/0, under a key prefix of its own.
 *
 * <p>Runs for 15 s (or the seconds given as the first argument), then prints the accounting.
 */
public final class GrpcPipeline {

    private static final String HOST = "127.0.0.1";

    public static void main(String[] args) throws Exception {
        // The gRPC roles log their start and stop through java.util.logging: one short line each.
        System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s %5$s%n");
        Duration runFor = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 15);
        Clock clock = Clock.systemUTC();
        WindowSpec window = WindowSpec.of(Duration.ofSeconds(2), Duration.ofMillis(800));
        ProcessingDelay delay = new ProcessingDelay(Duration.ofMillis(50), Duration.ofMillis(400));

        String redisUri = System.getenv().getOrDefault("METEO_REDIS_URI", RedisSettings.DEFAULT_URI);
        RedisSettings redis = RedisSettings.of(redisUri, "meteo-example:" + UUID.randomUUID() + ":");
        try (RedisMeteoStore store = new RedisMeteoStore(redis)) {
            store.ping();

            // The load balancer first: compute servers register with it, sensors call it. Port 0: a free port.
            GrpcLoadBalancer balancer = GrpcLoadBalancer.start(LoadBalancerSettings.defaults().withPort(0));
            Endpoint balancerAddress = new Endpoint(HOST, balancer.port());

            // Compute servers: the core ComputeNode behind a gRPC service; each registers (and renews a lease).
            List<ComputeNode> nodes = new ArrayList<>();
            List<GrpcComputeServer> servers = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                ComputeNode node = new ComputeNode(ComputeSettings.of("server-" + i).withDelay(delay), store, clock);
                GrpcComputeServer server = GrpcComputeServer.start(
                        ComputeServerSettings.defaults().withPort(0).withBalancer(balancerAddress), node);
                server.registered().get(10, TimeUnit.SECONDS); // so the first records find a server
                nodes.add(node);
                servers.add(server);
            }

            // The proxy's side of the wire: a registry terminals join, and the publisher that calls each of them.
            GrpcProxyPublisher proxy = GrpcProxyPublisher.start(ProxySettings.defaults().withPort(0));
            Endpoint proxyAddress = new Endpoint(HOST, proxy.port());

            // Terminals: each serves the terminal RPC on its own port and registers with the proxy.
            List<RecordingSink> recordings = new ArrayList<>();
            List<Terminal> terminals = new ArrayList<>();
            List<GrpcTerminalServer> terminalServers = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                RecordingSink recording = new RecordingSink();
                String name = "terminal-" + i;
                Terminal terminal = new Terminal(name, List.<TerminalSink>of(recording,
                        result -> System.out.println(name + "  " + InProcessPipeline.describe(result))));
                GrpcTerminalServer server = GrpcTerminalServer.start(
                        TerminalServerSettings.defaults().withPort(0).withProxy(proxyAddress), terminal);
                server.registered().get(10, TimeUnit.SECONDS); // so it gets every window from the first one
                recordings.add(recording);
                terminals.add(terminal);
                terminalServers.add(server);
            }

            // The window aggregator: the same core class as in-process, handed the gRPC publisher.
            WindowAggregator aggregator = new WindowAggregator(
                    AggregatorSettings.of(window, "grpc-example-proxy"), store, proxy, clock).start();

            // Sensors last, each with its own channel to the load balancer.
            List<Sensor> sensors = new ArrayList<>();
            List<GrpcRecordPublisher> publishers = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                SensorType type = i <= 2 ? SensorType.AIR : SensorType.POLLUTION;
                GrpcRecordPublisher publisher = new GrpcRecordPublisher(RecordPublisherSettings.of(balancerAddress));
                SensorSettings settings = SensorSettings.of(type.name().toLowerCase(Locale.ROOT) + "-" + i, type)
                        .withInterval(Duration.ofMillis(100)).withSeed(i);
                publishers.add(publisher);
                sensors.add(new Sensor(settings, publisher, clock).start());
            }
            System.out.println("running for " + runFor.toSeconds() + " s: load balancer on " + balancerAddress
                    + ", proxy registry on " + proxyAddress + ", store " + redis.redactedUri() + " ...");
            Thread.sleep(runFor.toMillis());

            // Reverse order: sensors (close() waits until the load balancer confirmed their records), then ...
            for (int i = 0; i < sensors.size(); i++) {
                sensors.get(i).close();
                publishers.get(i).close();
            }
            long sent = sensors.stream().mapToLong(sensor -> sensor.stats().sent()).sum();
            long stoppedAt = clock.millis();
            // ... the window holding the last records closes (at most one window + grace later), then the rest.
            RecordingSink reference = recordings.get(0);
            Accounting accounting = reference.awaitAccounted(sent, stoppedAt, store,
                    Duration.ofMillis(window.sizeMillis() * 3 + window.graceMillis()));
            aggregator.close();
            proxy.close();
            terminalServers.forEach(GrpcTerminalServer::close);
            terminals.forEach(Terminal::close);
            servers.forEach(GrpcComputeServer::close);
            nodes.forEach(ComputeNode::close);
            balancer.close();

            System.out.println();
            System.out.println("windows: " + reference.size() + ", terminals agree: "
                    + recordings.get(0).results().equals(recordings.get(1).results())
                    + ", load balancer: " + balancer.stats());
            System.out.println("accounting: " + accounting);
            store.deleteAll();
        }
    }
}
