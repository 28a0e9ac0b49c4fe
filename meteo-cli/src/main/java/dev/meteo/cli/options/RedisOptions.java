package dev.meteo.cli.options;

import dev.meteo.redis.RedisSettings;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where Redis is: an argument group ({@code @ArgGroup(validate = false, heading = ...)}) of the roles that store or
 * read windows. Every option also reads {@code METEO_<OPTION>} and the config file ({@link EnvironmentDefaults}).
 */
public final class RedisOptions {

    /** The heading this group has in every command's {@code --help}. */
    public static final String HEADING = "%nRedis:%n";

    @Option(names = "--redis-uri", defaultValue = RedisSettings.DEFAULT_URI, paramLabel = "URI",
            description = "Redis, as redis://[[user]:password@]host:port/db, redis-sentinel://[[user]:password@]host:port,"
                    + "host:port/primary-name[/db] (follows failovers; the password is the primary's) or "
                    + "redis-cluster://[[user]:password@]host:port,host:port; rediss://, rediss-sentinel://, "
                    + "rediss-cluster:// for TLS. The password is masked wherever the URI is shown; better given as "
                    + "METEO_REDIS_URI, which 'ps' does not show (default: ${DEFAULT-VALUE}).")
    private String uri;

    @Option(names = "--redis-prefix", defaultValue = RedisSettings.DEFAULT_PREFIX, paramLabel = "PREFIX",
            description = "Prefix of every Redis key, so deployments can share a Redis (default: ${DEFAULT-VALUE}).")
    private String prefix;

    @Option(names = "--redis-wait-replicas", defaultValue = "auto", paramLabel = "N|auto",
            description = "Replicas every write must reach before it is acknowledged (Redis WAIT), so that a failover "
                    + "loses nothing acknowledged; auto: one when the primary has a replica (default: ${DEFAULT-VALUE}).")
    private String waitReplicas;

    @Option(names = "--redis-wait-timeout", defaultValue = "1s", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long a write waits for its replicas; one that times out fails and is retried "
                    + "(default: ${DEFAULT-VALUE}).")
    private Duration waitTimeout;

    @Option(names = "--redis-tls-ca", paramLabel = "FILE",
            description = "rediss://: the CA certificate (PEM) that signed Redis's certificate (default: --tls-ca where "
                    + "the role takes it, else the JVM's trust store).")
    private Path tlsCa;

    public String uri() {
        return uri;
    }

    public String prefix() {
        return prefix;
    }

    /** The settings these options describe; a {@code rediss://} server is checked against {@code --redis-tls-ca}. */
    public RedisSettings settings() {
        return settings(null);
    }

    /** As {@link #settings()}, with {@code sharedCa} ({@code --tls-ca}) when {@code --redis-tls-ca} is not given. */
    public RedisSettings settings(Path sharedCa) {
        RedisSettings settings = RedisSettings.of(uri, prefix)
                .withTrustedCa(TlsOptions.readable(tlsCa != null ? tlsCa : sharedCa, "--redis-tls-ca"));
        Duration timeout = waitTimeout;
        if (waitReplicas.equalsIgnoreCase("auto")) {
            return settings.withWaitReplicas(RedisSettings.AUTO_REPLICAS, timeout);
        }
        try {
            return settings.withWaitReplicas(Integer.parseInt(waitReplicas.trim()), timeout);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--redis-wait-replicas is a number of replicas or auto, not '"
                    + waitReplicas + "'");
        }
    }
}
