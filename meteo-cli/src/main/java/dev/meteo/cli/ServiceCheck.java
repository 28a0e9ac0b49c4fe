package dev.meteo.cli;

import dev.meteo.store.redis.RedisMeteoStore;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/**
 * Before the demo starts its processes: makes sure Redis (and RabbitMQ in rabbit mode) answer where configured,
 * and otherwise says exactly what to start. Holds the demo's own connection to the store for the summary.
 */
final class ServiceCheck implements AutoCloseable {

    private final RedisMeteoStore store;

    private ServiceCheck(RedisMeteoStore store) {
        this.store = store;
    }

    static ServiceCheck ensure(Mode mode, ConnectionOptions connection, boolean embeddedAllowed) {
        RedisMeteoStore store = new RedisMeteoStore(connection.redisSettings());
        try {
            store.ping();
        } catch (RuntimeException e) {
            store.close();
            throw new IllegalStateException("Redis does not answer at " + connection.redisSettings().redactedUri()
                    + ". Start it with:  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save \"\" "
                    + "--appendonly no   (or point --redis-uri / METEO_REDIS_URI at a running one)");
        }
        if (mode == Mode.rabbit) {
            URI uri = URI.create(connection.rabbitUri);
            String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
            int port = uri.getPort() > 0 ? uri.getPort() : 5672;
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 2_000);
            } catch (IOException e) {
                store.close();
                throw new IllegalStateException("RabbitMQ does not answer at " + host + ":" + port
                        + ". Start it with:  rabbitmq-server -detached   (then wait for 'rabbitmq-diagnostics -q ping'), "
                        + "or point --rabbit-uri / METEO_RABBIT_URI at a running broker");
            }
        }
        return new ServiceCheck(store);
    }

    RedisMeteoStore store() {
        return store;
    }

    @Override
    public void close() {
        store.close();
    }
}
