package dev.meteo.cli.options;

import dev.meteo.grpc.Endpoint;
import picocli.CommandLine.Option;

/** Where direct mode's proxy registry is (terminals register there; the proxy listens there). */
public final class ProxyAddress {

    public static final String HEADING = "%nProxy registry (--mode grpc):%n";

    @Option(names = "--proxy", defaultValue = "127.0.0.1:7102", paramLabel = "HOST:PORT",
            description = "The proxy's registry address, where terminals register (default: ${DEFAULT-VALUE}).")
    private String address;

    public Endpoint endpoint() {
        return Endpoint.parse(address);
    }
}
