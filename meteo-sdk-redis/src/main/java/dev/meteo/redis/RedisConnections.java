package dev.meteo.redis;

import dev.meteo.internal.PemTls;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.util.JedisClusterCRC16;
import redis.clients.jedis.util.JedisURIHelper;
import redis.clients.jedis.util.Pool;

import javax.net.ssl.SSLParameters;
import java.net.URI;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Where the store's connections come from, whatever the deployment: a pool to one server, a Sentinel pool that
 * follows failovers to the current primary, or, in a cluster, a pool to the primary that owns the deployment's one
 * hash slot. Every connection is a {@link Jedis}, closed to give it back.
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
            case STANDALONE -> pooled(new JedisPool(poolConfig(settings), standaloneAddress(settings), standaloneClient(settings)));
            case SENTINEL -> pooled(new JedisSentinelPool(settings.masterName(), hosts(settings), poolConfig(settings),
                    (int) settings.timeout().toMillis(), (int) settings.timeout().toMillis(), settings.user(),
                    settings.password(), settings.database(), null));
            case CLUSTER -> cluster(settings);
        };
    }

    private static HostAndPort standaloneAddress(RedisSettings settings) {
        URI uri = settings.uri();
        return new HostAndPort(uri.getHost(), uri.getPort() < 0 ? Protocol.DEFAULT_PORT : uri.getPort());
    }

    /**
     * What {@code new JedisPool(uri)} would do (user, password and database from the URI, TLS for {@code rediss://}),
     * except that TLS checks the server's certificate against the settings' CA (else the JVM's trust store) and that
     * it names the host: Jedis alone uses the JVM's trust store and checks no host name.
     */
    private static JedisClientConfig standaloneClient(RedisSettings settings) {
        URI uri = settings.uri();
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) settings.timeout().toMillis())
                .socketTimeoutMillis((int) settings.timeout().toMillis())
                .user(JedisURIHelper.getUser(uri)).password(JedisURIHelper.getPassword(uri))
                .database(JedisURIHelper.getDBIndex(uri));
        if (settings.tls()) {
            SSLParameters checkHostName = new SSLParameters();
            checkHostName.setEndpointIdentificationAlgorithm("HTTPS");
            client.ssl(true).sslSocketFactory(PemTls.clientContext(settings.trustedCa()).getSocketFactory())
                    .sslParameters(checkHostName);
        }
        return client.build();
    }

    private static JedisPoolConfig poolConfig(RedisSettings settings) {
        JedisPoolConfig config = new JedisPoolConfig();
        config.setMaxTotal(settings.poolSize());
        config.setMaxIdle(settings.poolSize());
        config.setMinIdle(0);
        config.setJmxEnabled(false);
        return config;
    }

    private static Set<String> hosts(RedisSettings settings) {
        return Set.copyOf(settings.hosts());
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

    private static RedisConnections cluster(RedisSettings settings) {
        JedisClientConfig client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) settings.timeout().toMillis())
                .socketTimeoutMillis((int) settings.timeout().toMillis())
                .user(settings.user()).password(settings.password()).build();
        Set<HostAndPort> nodes = settings.hosts().stream().map(HostAndPort::from).collect(Collectors.toSet());
        ClusterConnectionProvider provider = new ClusterConnectionProvider(nodes, client);
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
