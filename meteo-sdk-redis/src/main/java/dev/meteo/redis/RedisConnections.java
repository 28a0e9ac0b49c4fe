package dev.meteo.redis;

import dev.meteo.internal.PemTls;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.util.JedisClusterCRC16;
import redis.clients.jedis.util.Pool;

import javax.net.ssl.SSLParameters;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Where the store's connections come from, whatever the deployment: a pool to one server, a Sentinel pool that
 * follows failovers to the current primary, or, in a cluster, a pool to the primary that owns the deployment's one
 * hash slot. Every connection is a {@link Jedis}, closed to give it back.
 *
 * <p>Nothing connects before the first {@link #get()}: Jedis's Sentinel pool and cluster provider ask the Sentinels or
 * the nodes as soon as they are built, so they are built on first use, and again after a failed attempt. A role
 * started before Redis is up then gets {@code StoreUnavailableException}s and retries, as it does with one server.
 */
abstract class RedisConnections implements AutoCloseable {

    /** A connection to the primary that holds this deployment's keys; close it to give it back. */
    abstract Jedis get();

    /** A connection broke or the cluster said MOVED: look up where the keys are before the next try. */
    void refresh() {
    }

    @Override
    public abstract void close();

    static RedisConnections open(RedisSettings settings) {
        return switch (settings.deployment()) {
            case STANDALONE -> pooled(new JedisPool(poolConfig(settings), address(settings.hosts().get(0)),
                    client(settings, settings.user(), settings.password(), settings.database())));
            case SENTINEL -> lazily(() -> pooled(new JedisSentinelPool(settings.masterName(), addresses(settings),
                    poolConfig(settings), client(settings, settings.user(), settings.password(), settings.database()),
                    client(settings, null, null, 0))));
            case CLUSTER -> lazily(() -> cluster(settings));
        };
    }

    /**
     * A client's configuration: timeouts, credentials and database as given and, with TLS, the server's certificate
     * checked against the settings' CA (else the JVM's trust store) and its host name: Jedis alone checks no host name.
     */
    private static JedisClientConfig client(RedisSettings settings, String user, String password, int database) {
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) settings.timeout().toMillis())
                .socketTimeoutMillis((int) settings.timeout().toMillis())
                .user(user).password(password).database(database);
        if (settings.tls()) {
            SSLParameters checkHostName = new SSLParameters();
            checkHostName.setEndpointIdentificationAlgorithm("HTTPS");
            client.ssl(true).sslSocketFactory(PemTls.clientContext(settings.trustedCa()).getSocketFactory())
                    .sslParameters(checkHostName);
        }
        return client.build();
    }

    /** {@code host:port} as {@link RedisUri} gives it; an IPv6 address loses its brackets. */
    private static HostAndPort address(String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        String host = hostAndPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new HostAndPort(host, Integer.parseInt(hostAndPort.substring(colon + 1)));
    }

    private static Set<HostAndPort> addresses(RedisSettings settings) {
        return settings.hosts().stream().map(RedisConnections::address).collect(Collectors.toSet());
    }

    private static JedisPoolConfig poolConfig(RedisSettings settings) {
        JedisPoolConfig config = new JedisPoolConfig();
        config.setMaxTotal(settings.poolSize());
        config.setMaxIdle(settings.poolSize());
        config.setMinIdle(0);
        config.setJmxEnabled(false);
        return config;
    }

    private static RedisConnections pooled(Pool<Jedis> pool) {
        return new RedisConnections() {
            @Override
            Jedis get() {
                return pool.getResource();
            }

            @Override
            public void close() {
                pool.close();
            }
        };
    }

    /** Builds the connections on the first {@link #get()}, and again on the next one while building fails. */
    private static RedisConnections lazily(Supplier<RedisConnections> build) {
        return new RedisConnections() {
            private RedisConnections built;
            private boolean closed;

            private synchronized RedisConnections built() {
                if (closed) {
                    throw new JedisException("the store is closed");
                }
                if (built == null) {
                    built = build.get(); // a JedisException when no Sentinel or node answers: the caller retries
                }
                return built;
            }

            @Override
            Jedis get() {
                return built().get();
            }

            @Override
            synchronized void refresh() {
                if (built != null) {
                    built.refresh();
                }
            }

            @Override
            public synchronized void close() {
                closed = true;
                if (built != null) {
                    built.close();
                }
            }
        };
    }

    private static RedisConnections cluster(RedisSettings settings) {
        ClusterConnectionProvider provider = new ClusterConnectionProvider(addresses(settings),
                client(settings, settings.user(), settings.password(), 0));
        int slot = JedisClusterCRC16.getSlot(settings.effectivePrefix());
        Supplier<Jedis> owner = () -> new Jedis(provider.getConnectionFromSlot(slot));
        return new RedisConnections() {
            @Override
            Jedis get() {
                return owner.get();
            }

            @Override
            void refresh() {
                provider.renewSlotCache();
            }

            @Override
            public void close() {
                provider.close();
            }
        };
    }
}
