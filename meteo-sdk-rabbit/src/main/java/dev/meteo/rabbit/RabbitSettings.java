package dev.meteo.rabbit;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * Immutable settings of every indirect-mode role: where the broker is (an {@code amqp://user:pass@host:port/vhost}
 * URI), the prefix of every queue and exchange name (so that deployments and tests sharing a broker do not meet),
 * and the few tunables of the roles. Built with {@link #fromEnvironment()} or {@link #fromUri(String)} and the
 * {@code with...} methods.
 *
 * <p>Every role and every process of one deployment must use the same prefix and the same terminal queue limits:
 * the broker refuses to redeclare a queue with other arguments (406 PRECONDITION_FAILED).
 *
 * @param uri                  broker URI; the credentials travel in it ({@code guest:guest} only as the local default)
 * @param namePrefix           prefix of every queue and exchange name, e.g. {@code meteo}
 * @param prefetch             unacknowledged records a compute server holds at most (basic.qos)
 * @param confirmTimeout       how long the proxy and the dead-letter path wait for a broker confirm
 * @param closeTimeout         bound of a graceful close (in-flight work finishing, then the connection)
 * @param requeuePause         pause before a record whose store failed is handed back to the queue
 * @param terminalMaxLength    windows a terminal queue keeps at most while its terminal is away (oldest dropped)
 * @param terminalMessageTtl   how long a window waits in a terminal queue before it is dropped as stale
 * @param terminalQueueExpires how long a terminal queue without consumer lives before the broker deletes it
 */
public record RabbitSettings(URI uri, String namePrefix, int prefetch, Duration confirmTimeout, Duration closeTimeout,
                             Duration requeuePause, int terminalMaxLength, Duration terminalMessageTtl,
                             Duration terminalQueueExpires) {

    private static final Logger LOG = Logger.getLogger(RabbitSettings.class.getName());

    /** The local broker with RabbitMQ's default account; used when nothing else is configured. */
    public static final String DEFAULT_URI = "amqp://guest:guest@127.0.0.1:5672/";
    /** Environment variable read by {@link #fromEnvironment()}. */
    public static final String URI_ENV = "METEO_RABBIT_URI";
    public static final String DEFAULT_PREFIX = "meteo";

    public RabbitSettings {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(namePrefix, "namePrefix");
        Objects.requireNonNull(confirmTimeout, "confirmTimeout");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        Objects.requireNonNull(requeuePause, "requeuePause");
        Objects.requireNonNull(terminalMessageTtl, "terminalMessageTtl");
        Objects.requireNonNull(terminalQueueExpires, "terminalQueueExpires");
        if (!"amqp".equals(uri.getScheme()) && !"amqps".equals(uri.getScheme())) {
            throw new IllegalArgumentException("broker URI must start with amqp:// or amqps://: " + redact(uri));
        }
        if (namePrefix.isBlank() || namePrefix.startsWith("amq.")) {
            throw new IllegalArgumentException("name prefix must be non-blank and not start with 'amq.': " + namePrefix);
        }
        if (prefetch < 1 || prefetch > 65_535) {
            throw new IllegalArgumentException("prefetch must be within 1..65535: " + prefetch);
        }
        if (terminalMaxLength < 1) {
            throw new IllegalArgumentException("terminalMaxLength must be at least 1: " + terminalMaxLength);
        }
        if (terminalQueueExpires.compareTo(terminalMessageTtl) < 0 || terminalMessageTtl.toMillis() < 1) {
            throw new IllegalArgumentException("need 0 < terminalMessageTtl <= terminalQueueExpires");
        }
    }

    /** Settings for the broker at {@code uri}, with the default prefix and tunables. */
    public static RabbitSettings fromUri(String uri) {
        try {
            return new RabbitSettings(new URI(uri), DEFAULT_PREFIX, 200, Duration.ofSeconds(10), Duration.ofSeconds(10),
                    Duration.ofSeconds(1), 10_000, Duration.ofHours(1), Duration.ofHours(24));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a broker URI: " + e.getMessage());
        }
    }

    /** Settings from {@value #URI_ENV}, or {@value #DEFAULT_URI} when it is unset. */
    public static RabbitSettings fromEnvironment() {
        String fromEnv = System.getenv(URI_ENV);
        return fromUri(fromEnv == null || fromEnv.isBlank() ? DEFAULT_URI : fromEnv);
    }

    public RabbitSettings withNamePrefix(String newPrefix) {
        return new RabbitSettings(uri, newPrefix, prefetch, confirmTimeout, closeTimeout, requeuePause,
                terminalMaxLength, terminalMessageTtl, terminalQueueExpires);
    }

    public RabbitSettings withPrefetch(int newPrefetch) {
        return new RabbitSettings(uri, namePrefix, newPrefetch, confirmTimeout, closeTimeout, requeuePause,
                terminalMaxLength, terminalMessageTtl, terminalQueueExpires);
    }

    public RabbitSettings withTerminalQueueLimits(int maxLength, Duration messageTtl, Duration queueExpires) {
        return new RabbitSettings(uri, namePrefix, prefetch, confirmTimeout, closeTimeout, requeuePause,
                maxLength, messageTtl, queueExpires);
    }

    public RabbitSettings withRequeuePause(Duration pause) {
        return new RabbitSettings(uri, namePrefix, prefetch, confirmTimeout, closeTimeout, pause,
                terminalMaxLength, terminalMessageTtl, terminalQueueExpires);
    }

    /**
     * Opens a connection with automatic connection and topology recovery. {@code connectionName} shows in the
     * broker's connection list (management UI, {@code rabbitmqctl list_connections client_properties}).
     *
     * @throws IOException when the broker cannot be reached or refuses the credentials
     */
    public Connection connect(String connectionName) throws IOException {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(uri);
        } catch (Exception e) {
            throw new IllegalArgumentException("bad broker URI " + redact(uri) + ": " + e.getMessage());
        }
        String path = uri.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            factory.setVirtualHost("/"); // amqp://host/ means the default vhost, not the empty-named one
        }
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(1_000);
        factory.setRequestedHeartbeat(15);
        Connection connection;
        try {
            connection = factory.newConnection(connectionName);
        } catch (TimeoutException e) {
            throw new IOException("broker " + redact(uri) + " did not answer in time", e);
        }
        connection.addShutdownListener(cause -> {
            if (!cause.isInitiatedByApplication()) {
                LOG.warning(connectionName + ": connection lost (" + cause.getMessage() + "), recovering");
            }
        });
        ((Recoverable) connection).addRecoveryListener(new RecoveryListener() {
            @Override
            public void handleRecovery(Recoverable recoverable) {
                LOG.info(connectionName + ": connection and topology recovered");
            }

            @Override
            public void handleRecoveryStarted(Recoverable recoverable) {
            }
        });
        return connection;
    }

    /** The URI without its password, for logs. */
    public String redactedUri() {
        return redact(uri);
    }

    private static String redact(URI uri) {
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null) {
            return uri.toString();
        }
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
        return uri.toString().replace(userInfo + "@", user + ":***@");
    }

    @Override
    public String toString() {
        return "RabbitSettings[uri=" + redactedUri() + ", namePrefix=" + namePrefix + ", prefetch=" + prefetch + "]";
    }
}
