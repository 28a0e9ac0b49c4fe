package dev.meteo.cli.command;

import dev.meteo.cli.io.Console;
import dev.meteo.cli.metrics.MeteredStore;
import dev.meteo.cli.metrics.RoleMetrics;
import dev.meteo.cli.metrics.StoreMeters;
import dev.meteo.cli.metrics.QueueProbe;
import dev.meteo.cli.options.BalancerAddress;
import dev.meteo.cli.options.AdvertisedBindOptions;
import dev.meteo.cli.options.BindOptions;
import dev.meteo.cli.options.DelayRangeConverter;
import dev.meteo.cli.options.DurationConverter;
import dev.meteo.cli.options.Mode;
import dev.meteo.cli.options.ModeOption;
import dev.meteo.cli.options.RabbitOptions;
import dev.meteo.cli.options.RedisOptions;
import dev.meteo.cli.options.StandardOptions;
import dev.meteo.cli.options.TlsOptions;
import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.formula.ProcessingDelay;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.store.CoefficientStore;
import dev.meteo.transport.Transport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

@Command(name = "server",
        description = {"Runs one compute server: turns each record into its coefficient and stores it in Redis. In grpc "
                + "mode it serves ProcessMeteoData/ProcessPollutionData and registers with the load balancer; in rabbit "
                + "mode it consumes the shared work queue.", ""})
public final class ServerCommand extends RoleCommand {

    @Mixin
    StandardOptions standard;

    @Mixin
    ModeOption mode;

    @Option(names = "--id", paramLabel = "ID", description = "Server id (default: server-<host>-<pid>-<random>).")
    String id;

    @Option(names = "--delay", converter = DelayRangeConverter.class, defaultValue = "0", paramLabel = "MIN..MAX",
            description = "Simulated processing time per record, uniform in MIN..MAX, e.g. 0.5s..3.5s as the assignment's "
                    + "reference; waited on a timer, so it does not limit throughput (default: ${DEFAULT-VALUE}).")
    ProcessingDelay delay;

    @Option(names = "--port", defaultValue = "0", paramLabel = "PORT",
            description = "grpc: port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--batch", defaultValue = "256", paramLabel = "N",
            description = "Coefficients written to Redis in one pipelined round trip at most (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--max-clock-skew", converter = DurationConverter.class, defaultValue = "5m", paramLabel = "DURATION",
            description = "Reject a record whose detection time is further than this ahead of this server's clock (a "
                    + "sensor whose clock runs ahead); keep it above the clock differences between hosts "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration maxClockSkew;

    @Option(names = "--rabbit-heartbeat", converter = DurationConverter.class, defaultValue = "1s", paramLabel = "DURATION",
            description = "rabbit: heartbeat timeout asked of the broker, whole seconds; a server silent this long (its "
                    + "host cut off) is taken for gone and the records it held go back to the queue for the other "
                    + "servers, so keep it well under the proxy's grace; 0 for none (default: ${DEFAULT-VALUE}).")
    Duration rabbitHeartbeat;

    @ArgGroup(validate = false, heading = RedisOptions.HEADING)
    RedisOptions redis = new RedisOptions();

    @ArgGroup(validate = false, heading = BalancerAddress.HEADING)
    BalancerAddress balancer = new BalancerAddress();

    @ArgGroup(validate = false, heading = RabbitOptions.HEADING)
    RabbitOptions rabbit = new RabbitOptions();

    @ArgGroup(validate = false, heading = BindOptions.HEADING)
    AdvertisedBindOptions bind = new AdvertisedBindOptions();

    @ArgGroup(validate = false, heading = TlsOptions.HEADING)
    TlsOptions tls = new TlsOptions();

    @Override
    protected String roleName() {
        return "server " + serverId();
    }

    private String serverId() {
        return id != null ? id : Ids.of("server");
    }

    @Override
    protected Running start() throws Exception {
        RedisMeteoStore store = Peers.openStore(redis.settings(tls.ca()));
        if (mode.mode() == Mode.RABBIT) {
            try { // the shared work queue: consume only for a deployment that stores under this server's Redis prefix
                DeploymentWorkQueue.awaitOwn(store, new Topology(rabbit.settings(tls.ca())).workQueue());
            } catch (InterruptedException | RuntimeException e) {
                store.close();
                throw e;
            }
        }
        CoefficientStore stored = new MeteredStore(store, clock(), metrics.registry());
        ComputeNode node = new ComputeNode(ComputeSettings.of(serverId()).withDelay(delay).withMaxBatch(batch).withMaxFutureSkew(maxClockSkew),
                stored, clock());
        Transport.Running served = Transports.of(mode.mode(),
                        rabbit.settings(tls.ca()).withHeartbeat(rabbitHeartbeat),
                        Transports.grpcSettings(balancer, null, bind, tls).withServerPort(port)
                                .withDeployment(redis.prefix()))
                .startComputeServer(node);
        Console.info(roleName() + ": " + served.describe() + ", delay " + DelayRangeConverter.format(delay));
        return new Running() {
            @Override
            public void bindMetrics(RoleMetrics metrics) {
                metrics.bind(node);
                metrics.bind(served);
                StoreMeters.roundTrips(metrics.registry(), store);
                if (mode.mode() == Mode.RABBIT) {
                    RabbitSettings broker = rabbit.settings(tls.ca());
                    Topology topology = new Topology(broker);
                    probe = new QueueProbe(broker, broker.namePrefix() + "-probe-" + serverId());
                    StoreMeters.queues(metrics, probe, List.of(topology.workQueue(), topology.deadLetterQueue()));
                }
            }

            private QueueProbe probe;

            @Override
            public void close() throws Exception {
                served.close();
                node.close();
                store.close();
                if (probe != null) {
                    probe.close();
                }
            }
        };
    }
}
