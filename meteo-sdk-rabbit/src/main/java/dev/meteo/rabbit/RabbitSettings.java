package dev.meteo.rabbit;


import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;

/**
 * Immutable settings of every indirect-mode role: where the broker is (an {@code amqp://user:pass@host:port/vhost}
 * URI), the prefix of every queue and exchange name (so that deployments and tests sharing a broker do not meet),
 * and the few tunables of the roles. Built with {@link #defaults()} or {@link #of(String)} and the {@code with...}
 * methods; {@link RabbitConnections} opens connections with them.
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

    /** The local broker with RabbitMQ's default account; used when nothing else is configured. */
    public static final String DEFAULT_URI = "amqp://guest:guest@127.0.0.1:5672/";
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
    public static RabbitSettings of(String uri) {
        try {
            return new RabbitSettings(new URI(uri), DEFAULT_PREFIX, 200, Duration.ofSeconds(10), Duration.ofSeconds(10),
                    Duration.ofSeconds(1), 10_000, Duration.ofHours(1), Duration.ofHours(24));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a broker URI: " + e.getMessage());
        }
    }

    /** Settings for the local broker ({@value #DEFAULT_URI}), with the default prefix and tunables. */
    public static RabbitSettings defaults() {
        return of(DEFAULT_URI);
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

    /** The URI without its password, for logs. */
    public String redactedUri() {
        return redact(uri);
    }

    static String redact(URI uri) {
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
