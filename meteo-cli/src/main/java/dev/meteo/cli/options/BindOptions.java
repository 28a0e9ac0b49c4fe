package dev.meteo.cli.options;

import picocli.CommandLine.Option;

/** The interface a role's servers listen on. */
public class BindOptions {

    public static final String HEADING = "%nNetwork:%n";

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Address this role's gRPC servers listen on (default: ${DEFAULT-VALUE}; use 0.0.0.0 only on a "
                    + "trusted network).")
    private String host;

    public String host() {
        return host;
    }

    /** What the role tells its registrar to call it back at, or {@code null} for the bind host's default. */
    public String advertisedHost() {
        return null;
    }
}
