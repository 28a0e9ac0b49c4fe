package dev.meteo.cli;

import dev.meteo.transport.Transport;
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
        Transport.Running balancer = Transports.grpc(connection, grpc -> serversFile == null ? grpc
                : grpc.withLoadBalancer(lb -> lb.withStaticServersFrom(serversFile))).startLoadBalancer();
        Console.info("lb: " + balancer.describe());
        return new Running() {
            @Override
            public Map<String, Object> status() {
                Map<String, Object> status = new LinkedHashMap<>();
                status.put("role", "lb");
                status.putAll(balancer.status());
                return status;
            }

            @Override
            public void close() {
                balancer.close();
            }
        };
    }
}
