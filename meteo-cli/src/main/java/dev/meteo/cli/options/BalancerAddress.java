package dev.meteo.cli.options;

import dev.meteo.grpc.Endpoint;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.List;

/**
 * Where direct mode's load balancers are: a load balancer listens on the first address; sensors spread their records
 * over all of them (and retry on another when one is down); compute servers register with every one.
 */
public final class BalancerAddress {

    public static final String HEADING = "%nLoad balancer (--mode grpc):%n";

    @Option(names = "--lb", defaultValue = "127.0.0.1:7101", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "The load balancer's address (default: ${DEFAULT-VALUE}). Several load balancers, "
                    + "comma-separated: sensors spread over them and fail over, compute servers register with each; "
                    + "a load balancer listens on the first.")
    private String addresses;

    /** The first address: the one a load balancer listens on. */
    public Endpoint endpoint() {
        return endpoints().get(0);
    }

    /** Every address given, in order. */
    public List<Endpoint> endpoints() {
        List<Endpoint> all = Arrays.stream(addresses.split(",")).map(String::trim).filter(a -> !a.isEmpty())
                .map(Endpoint::parse).toList();
        if (all.isEmpty()) {
            throw new IllegalArgumentException("--lb needs at least one HOST:PORT");
        }
        return all;
    }
}
