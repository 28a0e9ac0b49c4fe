package dev.meteo.cli.command;

import dev.meteo.cli.io.Console;
import dev.meteo.cli.metrics.RoleMetrics;
import dev.meteo.cli.options.BalancerAddress;
import dev.meteo.cli.options.BindOptions;
import dev.meteo.cli.options.DurationConverter;
import dev.meteo.cli.options.StandardOptions;
import dev.meteo.cli.options.TlsOptions;
import dev.meteo.grpc.GrpcTransportSettings;
import dev.meteo.redis.RedisSettings;
import dev.meteo.transport.Transport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

@Command(name = "lb",
        description = {"Runs the load balancer of the direct (grpc) mode: sensors send it records, it forwards each one "
                + "round-robin to a live compute server and answers once the coefficient is stored; a server that fails "
                + "a call is skipped and the record retried on the next. Servers register themselves (and are dropped "
                + "when they stop renewing or fail health checks), or come from --servers-file.", ""})
public final class LoadBalancerCommand extends RoleCommand {

    @Mixin
    StandardOptions standard;

    @Option(names = "--servers-file", paramLabel = "FILE",
            description = "Static compute servers, one host:port per line ('#' comments), besides those that register (default: none).")
    Path serversFile;

    @Option(names = "--silence-timeout", converter = DurationConverter.class, defaultValue = "2s", paramLabel = "DURATION",
            description = "A compute server that answered nothing this long (no reply, no health check: its host cut "
                    + "off) leaves the rotation and the records it holds are retried on the others; keep it well under "
                    + "the proxy's grace (default: ${DEFAULT-VALUE}).")
    Duration silenceTimeout;

    @Option(names = "--redis-prefix", defaultValue = RedisSettings.DEFAULT_PREFIX, paramLabel = "PREFIX",
            description = "The deployment this load balancer serves, named by the Redis key prefix its compute servers "
                    + "store under (it does not connect to Redis): a compute server started with another --redis-prefix "
                    + "is refused and exits, instead of storing records where the deployment never reads them "
                    + "(default: ${DEFAULT-VALUE}).")
    String redisPrefix;

    @ArgGroup(validate = false, heading = "%nWhere it listens:%n")
    BalancerAddress address = new BalancerAddress();

    @ArgGroup(validate = false, heading = BindOptions.HEADING)
    BindOptions bind = new BindOptions();

    @ArgGroup(validate = false, heading = TlsOptions.HEADING)
    TlsOptions tls = new TlsOptions();

    @Override
    protected String roleName() {
        return "lb";
    }

    @Override
    protected Running start() {
        GrpcTransportSettings settings = Transports.grpcSettings(address, null, bind, tls)
                .withLoadBalancer(lb -> lb.withSilenceTimeout(silenceTimeout)).withDeployment(redisPrefix);
        if (serversFile != null) {
            settings = settings.withLoadBalancer(lb -> lb.withStaticServersFrom(serversFile));
        }
        Transport.Running balancer = Transports.grpc(settings).startLoadBalancer();
        Console.info("lb: " + balancer.describe() + "; deployment " + redisPrefix);
        return new Running() {
            @Override
            public void bindMetrics(RoleMetrics metrics) {
                metrics.bind(balancer);
            }

            @Override
            public void close() {
                balancer.close();
            }
        };
    }
}
