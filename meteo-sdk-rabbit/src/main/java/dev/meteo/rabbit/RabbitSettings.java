package dev.meteo.rabbit;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * @param brokers              every broker of a cluster to connect to, {@code host:port}, the URI's first; a
 *                             connection goes to the first that answers and fails over to the others when lost
 * @param queueType            the type of the work and terminal queues (see {@link QueueType})
 * @param trustedCa            with {@code amqps://}: the PEM file of the CA that signed the broker's certificate, or
 *                             {@code null} for the JVM's trust store; the broker's certificate must also name the host
 *                             connected to. Ignored with {@code amqp://}
 * @param heartbeat            the AMQP heartbeat timeout asked of the broker: a peer silent this long (a host cut off
 *                             the network) is taken for gone; the broker then requeues what a silent compute server
 *                             held unacknowledged, so a short one keeps those records from turning late
 */
public record RabbitSettings(URI uri, String namePrefix, int prefetch, Duration confirmTimeout, Duration closeTimeout,
                             Duration requeuePause, int terminalMaxLength, Duration terminalMessageTtl,
                             Duration terminalQueueExpires, List<String> brokers, QueueType queueType,
                             Path trustedCa, Duration heartbeat) {

    /** The type of the durable queues a deployment declares. */
    public enum QueueType {
        /** Quorum on RabbitMQ 3.8 or later (replicated over the cluster's nodes), classic elsewhere (Qpid). */
        AUTO,
        /** Replicated with Raft over the cluster's nodes: survives losing a minority of them. */
        QUORUM,
        /** One node's queue (mirroring aside): lost with that node's disk. */
        CLASSIC
    }

    /** The local broker with RabbitMQ's default account; used when nothing else is configured. */
    public static final String DEFAULT_URI = "amqp://guest:guest@127.0.0.1:5672/";
    public static final String DEFAULT_PREFIX = "meteo";
    /** Long enough for a busy or paused JVM; compute servers ask for less (see {@link #withHeartbeat}). */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);
    /** A compute server's prefetch unless told otherwise: at 200 the servers, not the broker, bounded the bench (docs/operations.md). */
    public static final int DEFAULT_PREFETCH = 1_000;

    public RabbitSettings {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(namePrefix, "namePrefix");
        Objects.requireNonNull(confirmTimeout, "confirmTimeout");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        Objects.requireNonNull(requeuePause, "requeuePause");
        Objects.requireNonNull(terminalMessageTtl, "terminalMessageTtl");
        Objects.requireNonNull(terminalQueueExpires, "terminalQueueExpires");
        Objects.requireNonNull(queueType, "queueType");
        Objects.requireNonNull(heartbeat, "heartbeat");
        if (heartbeat.isNegative() || heartbeat.toSeconds() > 65_535 || (!heartbeat.isZero() && heartbeat.toSeconds() < 1)) {
            throw new IllegalArgumentException("heartbeat must be 0 (none) or whole seconds within 1..65535: " + heartbeat);
        }
        brokers = List.copyOf(brokers);
        if (brokers.isEmpty()) {
            throw new IllegalArgumentException("at least one broker address is needed");
        }
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

    /**
     * Settings for the broker at {@code uri}, with the default prefix and tunables. A cluster is several addresses:
     * {@code amqp://user:password@host1:5672,host2:5672,host3:5672/vhost} (one set of credentials and vhost), or
     * several such URIs separated by commas (the credentials and vhost of the first).
     */
    public static RabbitSettings of(String uri) {
        Matcher matcher = URI_WITH_HOSTS.matcher(uri.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a broker URI (amqp://user:password@host:port/vhost): "
                    + redactText(uri));
        }
        List<String> hosts = new ArrayList<>();
        for (String host : matcher.group(3).split(",")) {
            if (!host.isBlank()) {
                hosts.add(host.trim());
            }
        }
        String path = matcher.group(4) == null ? "" : matcher.group(4);
        int more = path.indexOf(',');
        if (more >= 0) { // comma-separated URIs: the first's path, every one's host
            for (String other : path.substring(more + 1).split(",")) {
                Matcher next = URI_WITH_HOSTS.matcher(other.trim());
                if (!next.matches()) {
                    throw new IllegalArgumentException("not a broker URI: " + redactText(other));
                }
                hosts.addAll(List.of(next.group(3).split(",")));
            }
            path = path.substring(0, more);
        }
        String userInfo = matcher.group(2) == null ? "" : matcher.group(2);
        try {
            return new RabbitSettings(new URI(matcher.group(1) + "://" + userInfo + hosts.get(0) + path), DEFAULT_PREFIX,
                    DEFAULT_PREFETCH, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(1), 10_000,
                    Duration.ofHours(1), Duration.ofHours(24), hosts, QueueType.AUTO, null, DEFAULT_HEARTBEAT);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a broker URI: " + e.getMessage());
        }
    }

    private static final Pattern URI_WITH_HOSTS = Pattern.compile("(amqps?)://([^@/]*@)?([^/]+)(/.*)?");

    /** Settings for the local broker ({@value #DEFAULT_URI}), with the default prefix and tunables. */
    public static RabbitSettings defaults() {
        return of(DEFAULT_URI);
    }

    public RabbitSettings withNamePrefix(String newPrefix) {
        return new RabbitSettings(uri, newPrefix, prefetch, confirmTimeout, closeTimeout, requeuePause,
                terminalMaxLength, terminalMessageTtl, terminalQueueExpires, brokers, queueType, trustedCa, heartbeat);
    }

    public RabbitSettings withPrefetch(int newPrefetch) {
        return new RabbitSettings(uri, namePrefix, newPrefetch, confirmTimeout, closeTimeout, requeuePause,
                terminalMaxLength, terminalMessageTtl, terminalQueueExpires, brokers, queueType, trustedCa, heartbeat);
    }

    public RabbitSettings withTerminalQueueLimits(int maxLength, Duration messageTtl, Duration queueExpires) {
        return new RabbitSettings(uri, namePrefix, prefetch, confirmTimeout, closeTimeout, requeuePause,
                maxLength, messageTtl, queueExpires, brokers, queueType, trustedCa, heartbeat);
    }

    public RabbitSettings withRequeuePause(Duration pause) {
        return new RabbitSettings(uri, namePrefix, prefetch, confirmTimeout, closeTimeout, pause,
                terminalMaxLength, terminalMessageTtl, terminalQueueExpires, brokers, queueType, trustedCa, heartbeat);
    }

    /** The queues' type on this broker, {@link QueueType#AUTO} included. */
    public RabbitSettings withQueueType(QueueType type) {
        return new RabbitSettings(uri, namePrefix, prefetch, confirmTimeout, closeTimeout, requeuePause,
                terminalMaxLength, terminalMessageTtl, terminalQueueExpires, brokers, type, trustedCa, heartbeat);
    }

    /** With {@code amqps://}, the broker's certificate is checked against the CA in this PEM file. */
    public RabbitSettings withTrustedCa(Path caFile) {
        return new RabbitSettings(uri, namePrefix, prefetch, confirmTimeout, closeTimeout, requeuePause,
                terminalMaxLength, terminalMessageTtl, terminalQueueExpires, brokers, queueType, caFile, heartbeat);
    }

    /** The heartbeat timeout asked of the broker, whole seconds ({@link Duration#ZERO}: none). */
    public RabbitSettings withHeartbeat(Duration newHeartbeat) {
        return new RabbitSettings(uri, namePrefix, prefetch, confirmTimeout, closeTimeout, requeuePause,
                terminalMaxLength, terminalMessageTtl, terminalQueueExpires, brokers, queueType, trustedCa, newHeartbeat);
    }

    /** Whether connections use TLS ({@code amqps://}). */
    public boolean tls() {
        return "amqps".equals(uri.getScheme());
    }

    /** The user the URI names ({@code guest} when it names none, as the client then logs in as guest). */
    public String user() {
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null || userInfo.isEmpty()) {
            return "guest";
        }
        int colon = userInfo.indexOf(':');
        return URLDecoder.decode(colon < 0 ? userInfo : userInfo.substring(0, colon),
                StandardCharsets.UTF_8);
    }

    /** The virtual host the URI names ({@code /} when it names none). */
    public String virtualHost() {
        String path = uri.getPath();
        return path == null || path.isEmpty() || path.equals("/") ? "/" : path.substring(1);
    }

    /** The URI without its password, for logs; every broker of a cluster. */
    public String redactedUri() {
        String first = redact(uri);
        return brokers.size() == 1 ? first : first + " (+ " + String.join(", ", brokers.subList(1, brokers.size())) + ")";
    }

    private static String redactText(String text) {
        return text.replaceAll("//([^:/@]*):[^@/]*@", "//$1:***@");
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
