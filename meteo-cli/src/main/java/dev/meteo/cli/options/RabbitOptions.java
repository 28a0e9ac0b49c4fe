package dev.meteo.cli.options;

import dev.meteo.rabbit.RabbitSettings;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where the broker is and how this deployment names its queues: read in rabbit mode only. */
public final class RabbitOptions {

    public static final String HEADING = "%nRabbitMQ (--mode rabbit):%n";

    @Option(names = "--rabbit-uri", defaultValue = RabbitSettings.DEFAULT_URI, paramLabel = "URI",
            description = "RabbitMQ, as amqp://user:password@host:port/vhost, amqps:// for TLS (default: the local "
                    + "guest account, which RabbitMQ accepts from the broker's own host only; "
                    + "env METEO_RABBIT_URI). A cluster: amqp://user:password@host1:5672,host2:5672,host3:5672/vhost; "
                    + "a connection goes to the first node that answers and fails over to the others.")
    private String uri;

    @Option(names = "--rabbit-prefix", defaultValue = RabbitSettings.DEFAULT_PREFIX, paramLabel = "PREFIX",
            description = "Prefix of the queue and exchange names (default: ${DEFAULT-VALUE}).")
    private String prefix;

    @Option(names = "--rabbit-queue-type", defaultValue = "AUTO", paramLabel = "TYPE",
            description = "Type of the work, dead-letter and terminal queues: AUTO (quorum on RabbitMQ 3.8+, replicated "
                    + "over the cluster; classic on the embedded broker), QUORUM or CLASSIC (default: ${DEFAULT-VALUE}). "
                    + "Every process of a deployment must use the same.")
    private RabbitSettings.QueueType queueType;

    @Option(names = "--rabbit-prefetch", defaultValue = "" + RabbitSettings.DEFAULT_PREFETCH, paramLabel = "N",
            description = "Compute servers: records a server holds unacknowledged at most (basic.qos); more keeps the "
                    + "server busy while its acks travel, at the cost of more redeliveries when it dies; other roles "
                    + "ignore it (default: ${DEFAULT-VALUE}).")
    private int prefetch;

    @Option(names = "--rabbit-tls-ca", paramLabel = "FILE",
            description = "amqps://: the CA certificate (PEM) that signed the broker's certificate (default: --tls-ca "
                    + "where the role takes it, else the JVM's trust store).")
    private Path tlsCa;

    public String uri() {
        return uri;
    }

    public String prefix() {
        return prefix;
    }

    /** The settings these options describe; an {@code amqps://} broker is checked against {@code --rabbit-tls-ca}. */
    public RabbitSettings settings() {
        return settings(null);
    }

    /** As {@link #settings()}, with {@code sharedCa} ({@code --tls-ca}) when {@code --rabbit-tls-ca} is not given. */
    public RabbitSettings settings(Path sharedCa) {
        return RabbitSettings.of(uri).withNamePrefix(prefix).withQueueType(queueType).withPrefetch(prefetch)
                .withTrustedCa(TlsOptions.readable(tlsCa != null ? tlsCa : sharedCa, "--rabbit-tls-ca"));
    }
}
