package dev.meteo.cli.options;

import dev.meteo.rabbit.RabbitSettings;
import picocli.CommandLine.Option;

/** Where the broker is and how this deployment names its queues: read in rabbit mode only. */
public final class RabbitOptions {

    public static final String HEADING = "%nRabbitMQ (--mode rabbit):%n";

    @Option(names = "--rabbit-uri", defaultValue = RabbitSettings.DEFAULT_URI, paramLabel = "URI",
            description = "RabbitMQ, as amqp://user:password@host:port/vhost (default: the local guest account; "
                    + "env METEO_RABBIT_URI).")
    private String uri;

    @Option(names = "--rabbit-prefix", defaultValue = RabbitSettings.DEFAULT_PREFIX, paramLabel = "PREFIX",
            description = "Prefix of the queue and exchange names (default: ${DEFAULT-VALUE}).")
    private String prefix;

    public String uri() {
        return uri;
    }

    public String prefix() {
        return prefix;
    }

    public RabbitSettings settings() {
        return RabbitSettings.of(uri).withNamePrefix(prefix);
    }
}
