package dev.meteo.cli;

import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;
import picocli.CommandLine.Option;

/**
 * Where the shared services and peers are. Every option also reads {@code METEO_<OPTION>} (e.g.
 * {@code METEO_REDIS_URI}) and the config file; see {@link EnvironmentDefaults}.
 */
final class ConnectionOptions {

    @Option(names = "--redis-uri", defaultValue = RedisSettings.DEFAULT_URI, paramLabel = "URI",
            description = "Redis, as redis://[:password@]host:port/db (default: ${DEFAULT-VALUE}; env METEO_REDIS_URI).")
    String redisUri;

    @Option(names = "--redis-prefix", defaultValue = RedisSettings.DEFAULT_PREFIX, paramLabel = "PREFIX",
            description = "Prefix of every Redis key, so deployments can share a Redis (default: ${DEFAULT-VALUE}).")
    String redisPrefix;

    @Option(names = "--rabbit-uri", defaultValue = "amqp://guest:guest@127.0.0.1:5672/", paramLabel = "URI",
            description = "RabbitMQ, as amqp://user:password@host:port/vhost (default: local guest account; env METEO_RABBIT_URI).")
    String rabbitUri;

    @Option(names = "--rabbit-prefix", defaultValue = "meteo", paramLabel = "PREFIX",
            description = "Prefix of the queue and exchange names (default: ${DEFAULT-VALUE}).")
    String rabbitPrefix;

    @Option(names = "--lb", defaultValue = "127.0.0.1:7101", paramLabel = "HOST:PORT",
            description = "Direct mode: the load balancer's address (default: ${DEFAULT-VALUE}).")
    String loadBalancer;

    @Option(names = "--proxy", defaultValue = "127.0.0.1:7102", paramLabel = "HOST:PORT",
            description = "Direct mode: the proxy's registry address, where terminals register (default: ${DEFAULT-VALUE}).")
    String proxy;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Address servers listen on and advertise (default: ${DEFAULT-VALUE}; use 0.0.0.0 only on a trusted network).")
    String bindHost;

    RedisSettings redisSettings() {
        return RedisSettings.of(redisUri, redisPrefix);
    }

    /** Opens the store, waiting (and saying so) until Redis answers. */
    RedisMeteoStore openStore() throws InterruptedException {
        RedisMeteoStore store = new RedisMeteoStore(redisSettings());
        Retry.until("Redis at " + store.settings().redactedUri(), () -> {
            store.ping();
            return null;
        });
        return store;
    }

    static HostPort hostPort(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT");
        }
        return new HostPort(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
    }

    record HostPort(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }
}
