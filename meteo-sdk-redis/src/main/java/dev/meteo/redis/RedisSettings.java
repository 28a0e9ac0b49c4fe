package dev.meteo.redis;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Where and how to reach Redis: one server, a Sentinel-monitored primary with replicas, or a cluster.
 *
 * <ul>
 *   <li>{@code redis://[[user]:password@]host:port[/db]} (or {@code rediss://} for TLS): one server;</li>
 *   <li>{@code redis-sentinel://[[user]:password@]host:port[,host:port...]/masterName[/db]}: the Sentinels to ask
 *       where the primary of {@code masterName} is; every role follows a failover;</li>
 *   <li>{@code redis-cluster://[[user]:password@]host:port[,host:port...]}: any nodes of a cluster. Every script
 *       touches several keys, which must share a hash slot: the key prefix is wrapped in a hash tag
 *       ({@code meteo:} becomes <code>{meteo:}</code>), so one deployment lives on one primary of the cluster.</li>
 * </ul>
 *
 * @param uri          as above; the password comes from here, never from code
 * @param keyPrefix    prepended to every key, so tests and several deployments can share one Redis
 * @param poolSize     connections in the pool
 * @param timeout      connect and socket timeout
 * @param waitReplicas replicas that must have a write before it is acknowledged (Redis {@code WAIT}), or
 *                     {@link #AUTO_REPLICAS}: one when the primary has a replica connected, none otherwise
 * @param waitTimeout  how long a write waits for its replicas before it fails (and is retried)
 * @param trustedCa    with {@code rediss://}: the PEM file of the CA that signed the server's certificate, or
 *                     {@code null} for the JVM's trust store; the certificate must also name the host connected to.
 *                     Ignored by the other schemes
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
        String scheme = String.valueOf(uri.getScheme());
        if (!List.of("redis", "rediss", "redis-sentinel", "redis-cluster").contains(scheme)) {
            throw new IllegalArgumentException("Redis URI must start with redis://, rediss://, redis-sentinel:// or "
                    + "redis-cluster://, got " + redact(uri));
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be at least 1: " + poolSize);
        }
        if (waitReplicas < AUTO_REPLICAS) {
            throw new IllegalArgumentException("waitReplicas must be 0 or more, or AUTO_REPLICAS: " + waitReplicas);
        }
        if (uri.getScheme().equals("redis-sentinel") && masterNameOf(uri) == null) {
            throw new IllegalArgumentException("a Sentinel URI names the primary after the hosts: "
                    + "redis-sentinel://host:26379,host:26380/mymaster, got " + redact(uri));
        }
    }

    public static RedisSettings of(String uri, String keyPrefix) {
        return new RedisSettings(URI.create(uri), keyPrefix, 16, Duration.ofSeconds(2), AUTO_REPLICAS,
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

    /** With {@code rediss://}, the server's certificate is checked against the CA in this PEM file. */
    public RedisSettings withTrustedCa(Path caFile) {
        return new RedisSettings(uri, keyPrefix, poolSize, timeout, waitReplicas, waitTimeout, caFile);
    }

    /** Whether connections use TLS ({@code rediss://}). */
    public boolean tls() {
        return "rediss".equals(uri.getScheme());
    }

    public Deployment deployment() {
        return switch (uri.getScheme()) {
            case "redis-sentinel" -> Deployment.SENTINEL;
            case "redis-cluster" -> Deployment.CLUSTER;
            default -> Deployment.STANDALONE;
        };
    }

    /** The prefix keys really get: in a cluster, wrapped in a hash tag so that one deployment's keys share a slot. */
    public String effectivePrefix() {
        if (deployment() == Deployment.CLUSTER && !(keyPrefix.contains("{") && keyPrefix.contains("}"))) {
            return "{" + keyPrefix + "}";
        }
        return keyPrefix;
    }

    /** The {@code host:port} list of a Sentinel or cluster URI. */
    public List<String> hosts() {
        String authority = uri.getRawAuthority();
        String hosts = authority.contains("@") ? authority.substring(authority.lastIndexOf('@') + 1) : authority;
        return Arrays.stream(hosts.split(",")).map(String::trim).filter(h -> !h.isEmpty()).toList();
    }

    /** The user of the URI's credentials, or {@code null}. */
    public String user() {
        String info = uri.getRawUserInfo();
        if (info == null || !info.contains(":") || info.startsWith(":")) {
            return null;
        }
        return info.substring(0, info.indexOf(':'));
    }

    /** The password of the URI's credentials, or {@code null}. */
    public String password() {
        String info = uri.getRawUserInfo();
        if (info == null) {
            return null;
        }
        return info.contains(":") ? info.substring(info.indexOf(':') + 1) : info;
    }

    /** The primary's name of a Sentinel URI. */
    public String masterName() {
        return masterNameOf(uri);
    }

    /** The database of a Sentinel URI ({@code /mymaster/2}), 0 by default. */
    public int database() {
        String[] parts = String.valueOf(uri.getPath()).split("/");
        return parts.length > 2 ? Integer.parseInt(parts[2]) : 0;
    }

    private static String masterNameOf(URI uri) {
        String[] parts = String.valueOf(uri.getPath()).split("/");
        return parts.length > 1 && !parts[1].isBlank() ? parts[1] : null;
    }

    /** The URI without its password, for logs and error messages. */
    public String redactedUri() {
        return redact(uri);
    }

    private static String redact(URI uri) {
        return uri.getRawUserInfo() == null ? uri.toString() : uri.toString().replace(uri.getRawUserInfo() + "@", "***@");
    }
}
