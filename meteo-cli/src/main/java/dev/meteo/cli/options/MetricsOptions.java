package dev.meteo.cli.options;

import picocli.CommandLine.Option;

/** Where a role serves its Prometheus metrics; off unless {@code --metrics-port} is given. */
public final class MetricsOptions {

    public static final String HEADING = "%nMetrics (Prometheus/OpenMetrics at /metrics, readiness at /health):%n";

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve metrics for Prometheus at http://<metrics-host>:PORT/metrics, and /health (200 once "
                    + "the role runs, 503 before or after) for a readiness probe; 0 picks a free port (default: off, no "
                    + "metrics endpoint).")
    Integer port;

    @Option(names = "--metrics-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Interface the metrics endpoint listens on (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    /** Whether the role serves metrics. */
    public boolean enabled() {
        return port != null;
    }

    public int port() {
        return port;
    }

    public String host() {
        return host;
    }
}
