package dev.meteo.cli.command;

import dev.meteo.cli.io.Console;
import dev.meteo.cli.metrics.MeteredResultPublisher;
import dev.meteo.cli.metrics.RoleMetrics;
import dev.meteo.cli.metrics.StoreMeters;
import dev.meteo.cli.options.BindOptions;
import dev.meteo.cli.options.DurationConverter;
import dev.meteo.cli.options.Mode;
import dev.meteo.cli.options.ModeOption;
import dev.meteo.cli.options.ProxyAddress;
import dev.meteo.cli.options.RabbitOptions;
import dev.meteo.cli.options.RedisOptions;
import dev.meteo.cli.options.StandardOptions;
import dev.meteo.cli.options.TlsOptions;
import dev.meteo.grpc.GrpcTransportSettings;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.window.AggregatorSettings;
import dev.meteo.window.WindowAggregator;
import dev.meteo.window.WindowResultPublisher;
import dev.meteo.window.WindowSpec;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

@Command(name = "proxy",
        description = {"Runs the proxy: closes an event-time tumbling window every --window (after --grace), computes "
                + "per kind count/mean/stddev/min/max/latest from Redis, and sends the result to every terminal. A second "
                + "proxy started beside it waits as a standby and takes over when the first stops.", ""})
public final class ProxyCommand extends RoleCommand {

    @Mixin
    StandardOptions standard;

    @Mixin
    ModeOption mode;

    @Option(names = {"-w", "--window"}, converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "2s",
            description = "Window length Y; windows are epoch-aligned [k*Y, (k+1)*Y). The deployment's: its first proxy "
                    + "writes it in Redis, where terminals and 'meteo status' read it; a proxy with another stops "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = {"-g", "--grace"}, converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "4s",
            description = "How long after its end a window still accepts records; keep it above the servers' largest "
                    + "processing delay or records arrive late. The deployment's, as --window is (default: ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--id", paramLabel = "ID", description = "Proxy id, in its logs and the lease (default: proxy-<host>-<pid>-<random>).")
    String id;

    @Option(names = "--lease", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "5s",
            description = "Lease length: a standby takes over this long after the active proxy dies (default: ${DEFAULT-VALUE}).")
    Duration lease;

    @Option(names = "--retention", defaultValue = "30", paramLabel = "N",
            description = "Closed windows whose statistics stay in Redis before they are trimmed; also how long a "
                    + "rejected message without a sensor id is remembered. Records' identities do not depend on it: "
                    + "a copy is recognised however late it comes (default: ${DEFAULT-VALUE}).")
    int retention;

    @Option(names = "--sensor-idle", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "24h",
            description = "A sensor with no record for this long is retired: its identities shrink to one range, the "
                    + "sequences it never delivered below its last one given up (default: ${DEFAULT-VALUE}).")
    Duration sensorIdle;

    @Option(names = "--result-retention", converter = DurationConverter.class, paramLabel = "DURATION",
            defaultValue = "1h", description = "How long closed windows' results stay in Redis, for terminals that "
                    + "missed them (grpc catch-up) and standbys (default: ${DEFAULT-VALUE}).")
    Duration resultRetention;

    @Option(names = "--terminals-file", paramLabel = "FILE",
            description = "grpc: static terminals, one host:port per line, besides those that register (default: none).")
    Path terminalsFile;

    @ArgGroup(validate = false, heading = RedisOptions.HEADING)
    RedisOptions redis = new RedisOptions();

    @ArgGroup(validate = false, heading = ProxyAddress.HEADING)
    ProxyAddress registry = new ProxyAddress();

    @ArgGroup(validate = false, heading = RabbitOptions.HEADING)
    RabbitOptions rabbit = new RabbitOptions();

    @ArgGroup(validate = false, heading = BindOptions.HEADING)
    BindOptions bind = new BindOptions();

    @ArgGroup(validate = false, heading = TlsOptions.HEADING)
    TlsOptions tls = new TlsOptions();

    @Override
    protected String roleName() {
        return "proxy " + proxyId();
    }

    private String proxyId() {
        return id != null ? id : Ids.of("proxy");
    }

    @Override
    protected Running start() throws Exception {
        RedisMeteoStore store = Peers.openStore(redis.settings(tls.ca()));
        if (mode.mode() == Mode.RABBIT) {
            try { // the deployment's compute servers consume this work queue, and no other deployment's
                DeploymentWorkQueue.record(store, new Topology(rabbit.settings(tls.ca())).workQueue());
            } catch (InterruptedException | RuntimeException e) {
                store.close();
                throw e;
            }
        }
        GrpcTransportSettings grpc = Transports.grpcSettings(null, registry, bind, tls).withDeployment(redis.prefix());
        if (terminalsFile != null) {
            grpc = grpc.withResultPublisher(proxy -> proxy.withStaticTerminalsFrom(terminalsFile));
        }
        WindowResultPublisher publisher = Transports.of(mode.mode(), rabbit, tls, grpc).openResultPublisher(store);
        AggregatorSettings settings = AggregatorSettings.of(WindowSpec.of(window, grace), proxyId())
                .withLease(lease, Duration.ofMillis(Math.min(200, lease.toMillis() / 3))).withRetentionWindows(retention)
                .withResultRetention(resultRetention).withSensorIdle(sensorIdle);
        WindowResultPublisher published = new MeteredResultPublisher(publisher, settings.window(), clock(),
                metrics.registry());
        WindowAggregator aggregator = new WindowAggregator(settings, store, published, clock()).start();
        Console.info(roleName() + ": window " + DurationConverter.format(window) + ", grace " + DurationConverter.format(grace)
                + ", publishing via " + mode.mode());
        return new Running() {
            @Override
            public void bindMetrics(RoleMetrics metrics) {
                metrics.bind(aggregator);
                metrics.bind(publisher);
                metrics.describe("owner", aggregator.owner()); // as the lease names it: which process is the active one
                metrics.beforeRead(() -> metrics.describe("halted", aggregator.halted()));
                StoreMeters.deploymentCounts(metrics.registry(), store);
                StoreMeters.roundTrips(metrics.registry(), store);
            }

            @Override
            public String fatal() {
                return aggregator.halted();
            }

            @Override
            public void close() throws Exception {
                aggregator.close();
                publisher.close();
                store.close();
            }
        };
    }
}
