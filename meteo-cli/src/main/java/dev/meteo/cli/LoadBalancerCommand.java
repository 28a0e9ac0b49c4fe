package dev.meteo.cli;

import dev.meteo.grpc.balancer.GrpcLoadBalancer;
import dev.meteo.grpc.balancer.LoadBalancerSettings;
import dev.meteo.grpc.wire.Endpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "lb", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the load balancer of the direct (grpc) mode: sensors send it records, it forwards each one "
                + "round-robin to a live compute server and answers once the coefficient is stored; a server that fails "
                + "a call is skipped and the record retried on the next. Servers register themselves (and are dropped "
                + "when they stop renewing or fail health checks), or come from --servers-file.", ""})
final class LoadBalancerCommand extends RoleCommand {

    @Option(names = "--servers-file", paramLabel = "FILE",
            description = "Static compute servers, one host:port per line ('#' comments), besides those that register (default: none).")
    Path serversFile;

    @Mixin
    ConnectionOptions connection;

    @Override
    protected String roleName() {
        return "lb";
    }

    @Override
    protected Running start() {
        Endpoint address = Endpoint.parse(connection.loadBalancer);
        LoadBalancerSettings settings = LoadBalancerSettings.defaults().withBindHost(connection.bindHost).withPort(address.port());
        if (serversFile != null) {
            settings = settings.withStaticServersFrom(serversFile);
        }
        GrpcLoadBalancer balancer = GrpcLoadBalancer.start(settings);
        Console.info("lb: listening on " + connection.bindHost + ":" + balancer.port() + "; waiting for compute servers to register");
        return new Running() {
            @Override
            public Map<String, Object> status() {
                GrpcLoadBalancer.Stats stats = balancer.stats();
                Map<String, Object> status = new LinkedHashMap<>();
                status.put("role", "lb");
                status.put("live_servers", balancer.liveServers().size());
                status.put("forwarded", stats.forwarded());
                status.put("retried", stats.retried());
                status.put("failed", stats.failed());
                return status;
            }

            @Override
            public void close() {
                balancer.close();
            }
        };
    }
}
