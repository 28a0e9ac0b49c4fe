package dev.meteo.redis;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how to reach Redis.
 *
 * @param uri       {@code redis://[[user]:password@]host:port[/db]}; the password comes from here, never from code
 * @param keyPrefix prepended to every key, so tests and several deployments can share one Redis
 * @param poolSize  connections in the pool
 * @param timeout   connect and socket timeout
 */
public record RedisSettings(URI uri, String keyPrefix, int poolSize, Duration timeout) {

    public static final String DEFAULT_URI = "redis://127.0.0.1:6379/0";
    public static final String DEFAULT_PREFIX = "meteo:";

    public RedisSettings {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(timeout, "timeout");
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
            throw new IllegalArgumentException("Redis URI must start with redis:// or rediss://, got " + uri);
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be at least 1: " + poolSize);
        }
    }

    public static RedisSettings of(String uri, String keyPrefix) {
        return new RedisSettings(URI.create(uri), keyPrefix, 16, Duration.ofSeconds(2));
    }

    public static RedisSettings defaults() {
        return of(DEFAULT_URI, DEFAULT_PREFIX);
    }

    public RedisSettings withKeyPrefix(String prefix) {
        return new RedisSettings(uri, prefix, poolSize, timeout);
    }

    /** The URI without its password, for logs and error messages. */
    public String redactedUri() {
        return uri.getUserInfo() == null ? uri.toString() : uri.toString().replace(uri.getRawUserInfo() + "@", "***@");
    }
}
