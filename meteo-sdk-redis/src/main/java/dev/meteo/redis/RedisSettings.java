package dev.meteo.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where and how to reach Redis: one server, a Sentinel-monitored primary with replicas, or a cluster.
 *
 * <ul>
 *   <li>{@code redis://[[user]:password@]host:port[/db]} (or {@code rediss://} for TLS): one server;</li>
 *   <li>{@code redis-sentinel://[[user]:password@]host:port[,host:port...]/masterName[/db]} (or
 *       {@code rediss-sentinel://}: TLS to the Sentinels and the primary): the Sentinels to ask where the primary of
 *       {@code masterName} is; every role follows a failover. The credentials are the primary's; the Sentinels are
 *       asked without any;</li>
 *   <li>{@code redis-cluster://[[user]:password@]host:port[,host:port...]} (or {@code rediss-cluster://}): any nodes
 *       of a cluster. Every script touches several keys, which must share a hash slot: the key prefix is wrapped in a
 *       hash tag ({@code meteo:} becomes <code>{meteo:}</code>), so one deployment lives on one primary of the
 *       cluster.</li>
 * </ul>
 * A port left out is 6379 (26379 for a Sentinel). The URI is parsed here, not by {@link URI}, which cannot read a host
 * list ({@link RedisUri}); the password is masked in {@link #redactedUri()}, {@link #toString()} and every message.
 *
 * @param uri          as above; the password comes from here, never from code
 * @param keyPrefix    prepended to every key, so tests and several deployments can share one Redis
 * @param poolSize     connections in the pool
 * @param timeout      connect and socket timeout
 * @param waitReplicas replicas that must have a write before it is acknowledged (Redis {@code WAIT}), or
 *                     {@link #AUTO_REPLICAS}: one when the primary has a replica connected, none otherwise
 * @param waitTimeout  how long a write waits for its replicas before it fails (and is retried)
 * @param trustedCa    with TLS ({@code rediss...://}): the PEM file of the CA that signed the servers' certificates,
 *                     or {@code null} for the JVM's trust store; a certificate must also name the host connected to.
 *                     Ignored without TLS
 */
public record RedisSettings(URI uri, String keyPrefix, int poolSize, Duration timeout, int waitReplicas,
                            Duration waitTimeout, Path trustedCa) {

    public static final String DEFAULT_URI = "redis://127.0.0.1:6379/0";
    public static final String DEFAULT_PREFIX = "meteo:";
    /** {@link #waitReplicas()}: wait for one replica whenever the primary has one. */
    public static final int AUTO_REPLICAS = -1;

    /** How the servers are deployed, from the URI's scheme. */
    public enum Deployment { STANDALONE, SENTINEL, CLUSTER }

    public RedisSettings {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(waitTimeout, "waitTimeout");
        RedisUri parsed = RedisUri.parse(uri.toString());
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be at least 1: " + poolSize);
        }
        if (waitReplicas < AUTO_REPLICAS) {
            throw new IllegalArgumentException("waitReplicas must be 0 or more, or AUTO_REPLICAS: " + waitReplicas);
        }
        if (parsed.scheme().endsWith("sentinel") && masterNameOf(parsed) == null) {
            throw new IllegalArgumentException("a Sentinel URI names the primary after the hosts: "
                    + "redis-sentinel://host:26379,host:26380/mymaster, got " + RedisUri.mask(uri.toString()));
        }
    }

    /**
     * Settings for {@code uri} and {@code keyPrefix}: a pool of 16, 2 s timeouts, writes waiting for a replica when
     * there is one.
     *
     * @throws IllegalArgumentException when {@code uri} is not a Redis URI (the message masks its password)
     */
    public static RedisSettings of(String uri, String keyPrefix) {
        RedisUri.parse(uri); // first, so that a bad URI is reported by a message that masks its password
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid URI (a character a URI cannot hold, such as a space, must "
                    + "be percent-encoded, %20): " + RedisUri.mask(uri));
        }
        return new RedisSettings(parsed, keyPrefix, 16, Duration.ofSeconds(2), AUTO_REPLICAS,
                Duration.ofSeconds(1), null);
    }

    public static RedisSettings defaults() {
        return of(DEFAULT_URI, DEFAULT_PREFIX);
    }

    public RedisSettings withKeyPrefix(String prefix) {
        return new RedisSettings(uri, prefix, poolSize, timeout, waitReplicas, waitTimeout, trustedCa);
    }

    public RedisSettings withPoolSize(int size) {
        return new RedisSettings(uri, keyPrefix, size, timeout, waitReplicas, waitTimeout, trustedCa);
    }

    /** The connect and socket timeout of every connection. */
    public RedisSettings withTimeout(Duration newTimeout) {
        return new RedisSettings(uri, keyPrefix, poolSize, newTimeout, waitReplicas, waitTimeout, trustedCa);
    }

    /** Writes are acknowledged once {@code replicas} replicas have them ({@link #AUTO_REPLICAS}: one if any). */
    public RedisSettings withWaitReplicas(int replicas, Duration timeout) {
        return new RedisSettings(uri, keyPrefix, poolSize, this.timeout, replicas, timeout, trustedCa);
    }

    /** With TLS, the servers' certificates are checked against the CA in this PEM file. */
    public RedisSettings withTrustedCa(Path caFile) {
        return new RedisSettings(uri, keyPrefix, poolSize, timeout, waitReplicas, waitTimeout, caFile);
    }

    private RedisUri parsed() {
        return RedisUri.parse(uri.toString());
    }

    /** Whether connections use TLS: {@code rediss://}, {@code rediss-sentinel://}, {@code rediss-cluster://}. */
    public boolean tls() {
        return parsed().tls();
    }

    public Deployment deployment() {
        String scheme = parsed().scheme();
        if (scheme.endsWith("sentinel")) {
            return Deployment.SENTINEL;
        }
        return scheme.endsWith("cluster") ? Deployment.CLUSTER : Deployment.STANDALONE;
    }

    /** The prefix keys really get: in a cluster, wrapped in a hash tag so that one deployment's keys share a slot. */
    public String effectivePrefix() {
        if (deployment() == Deployment.CLUSTER && !(keyPrefix.contains("{") && keyPrefix.contains("}"))) {
            return "{" + keyPrefix + "}";
        }
        return keyPrefix;
    }

    /** The {@code host:port} of each server the URI names (one for {@code redis://}), default ports filled in. */
    public List<String> hosts() {
        return parsed().hosts();
    }

    /** The user of the URI's credentials, or {@code null} for the default user. */
    public String user() {
        return parsed().user();
    }

    /** The password of the URI's credentials, decoded, or {@code null}. */
    public String password() {
        return parsed().password();
    }

    /** The primary's name of a Sentinel URI, else {@code null}. */
    public String masterName() {
        return masterNameOf(parsed());
    }

    /** The database: {@code /db} of a server's URI, {@code /mymaster/db} of a Sentinel's; 0 by default. */
    public int database() {
        RedisUri parsed = parsed();
        String[] parts = parsed.path().split("/");
        int index = parsed.scheme().endsWith("sentinel") ? 2 : 1;
        if (parts.length <= index || parts[index].isBlank()) {
            return 0;
        }
        try {
            return Integer.parseInt(parts[index]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the database in the Redis URI is not a number: " + redactedUri());
        }
    }

    private static String masterNameOf(RedisUri parsed) {
        if (!parsed.scheme().endsWith("sentinel")) {
            return null;
        }
        String[] parts = parsed.path().split("/");
        return parts.length > 1 && !parts[1].isBlank() ? parts[1] : null;
    }

    /** The URI with its credentials masked ({@code redis-sentinel://***@h1:26379,h2:26379/mymaster}), for messages. */
    public String redactedUri() {
        return RedisUri.mask(uri.toString());
    }

    /** As a record prints itself, with the credentials masked: settings may end up in a log. */
    @Override
    public String toString() {
        return "RedisSettings[uri=" + redactedUri() + ", keyPrefix=" + keyPrefix + ", poolSize=" + poolSize
                + ", timeout=" + timeout + ", waitReplicas=" + waitReplicas + ", waitTimeout=" + waitTimeout
                + ", trustedCa=" + trustedCa + "]";
    }
}
