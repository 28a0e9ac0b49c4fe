package dev.meteo.cli.options;

import dev.meteo.redis.RedisSettings;
import picocli.CommandLine.Option;

/**
 * Where Redis is: an argument group ({@code @ArgGroup(validate = false, heading = ...)}) of the roles that store or
 * read windows. Every option also reads {@code METEO_<OPTION>} and the config file ({@link EnvironmentDefaults}).
 */
public final class RedisOptions {

    /** The heading this group has in every command's {@code --help}. */
    public static final String HEADING = "%nRedis:%n";

    @Option(names = "--redis-uri", defaultValue = RedisSettings.DEFAULT_URI, paramLabel = "URI",
            description = "Redis, as redis://[:password@]host:port/db (default: ${DEFAULT-VALUE}; env METEO_REDIS_URI).")
    private String uri;

    @Option(names = "--redis-prefix", defaultValue = RedisSettings.DEFAULT_PREFIX, paramLabel = "PREFIX",
            description = "Prefix of every Redis key, so deployments can share a Redis (default: ${DEFAULT-VALUE}).")
    private String prefix;

    public String uri() {
        return uri;
    }

    public String prefix() {
        return prefix;
    }

    public RedisSettings settings() {
        return RedisSettings.of(uri, prefix);
    }
}
