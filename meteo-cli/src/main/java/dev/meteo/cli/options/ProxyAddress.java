package dev.meteo.cli.options;

import dev.meteo.grpc.Endpoint;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.List;

/**
 * Where direct mode's proxy registry is: the proxy listens there; terminals register there, and with every standby
 * proxy listed after it, so that a standby knows every terminal when it takes over.
 */
public final class ProxyAddress {

    public static final String HEADING = "%nProxy registry (--mode grpc):%n";

    @Option(names = "--proxy", defaultValue = "127.0.0.1:7102", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "The proxy's registry address; terminals list the standby proxies after it, comma-separated, "
                    + "and register with all of them (default: ${DEFAULT-VALUE}).")
    private String addresses;

    /** The first address: the one a proxy listens on. */
    public Endpoint endpoint() {
        return endpoints().get(0);
    }

    /** Every address given, in order. */
    public List<Endpoint> endpoints() {
        return Arrays.stream(addresses.split(",")).map(String::trim).filter(a -> !a.isEmpty()).map(Endpoint::parse).toList();
    }
}
