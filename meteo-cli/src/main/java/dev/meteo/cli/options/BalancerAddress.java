package dev.meteo.cli.options;

import dev.meteo.grpc.Endpoint;
import picocli.CommandLine.Option;

/** Where direct mode's load balancer is (sensors send to it, compute servers register with it, it listens there). */
public final class BalancerAddress {

    public static final String HEADING = "%nLoad balancer (--mode grpc):%n";

    @Option(names = "--lb", defaultValue = "127.0.0.1:7101", paramLabel = "HOST:PORT",
            description = "The load balancer's address (default: ${DEFAULT-VALUE}).")
    private String address;

    public Endpoint endpoint() {
        return Endpoint.parse(address);
    }
}
