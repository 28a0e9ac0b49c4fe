package dev.meteo.embedded;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;
import dev.meteo.store.StoreUnavailableException;
import dev.meteo.transport.AccessRefusedException;
import redis.clients.jedis.exceptions.JedisDataException;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * What the demo runs against: the configured Redis and RabbitMQ when they answer, otherwise embedded ones started
 * here (when allowed). Closing it stops whatever it started, in reverse order; it never touches the configured ones.
 *
 * <pre>{@code
 * try (EmbeddedServices services = EmbeddedServices.ensure(redisUri, rabbitUri, mode == Mode.rabbit, !noEmbedded)) {
 *     services.notices().forEach(System.out::println);
 *     // pass services.redisUri() / services.rabbitUri() to the children
 * }
 * }</pre>
 */
public final class EmbeddedServices implements AutoCloseable {

    /** How long a probe of a configured service may take before it counts as not answering. */
    static final int PROBE_TIMEOUT_MILLIS = 5_000; // a refused port fails at once; only a busy broker takes long

    static final String START_REDIS =
            "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save \"\" --appendonly yes --appendfsync everysec";
    static final String START_RABBIT = "rabbitmq-server -detached   (then wait until 'rabbitmq-diagnostics -q ping' succeeds)";

    private final String redisUri;
    private final String rabbitUri;
    private final List<String> notices;
    private final EmbeddedRedis redis;
    private final EmbeddedBroker broker;

    private EmbeddedServices(String redisUri, String rabbitUri, List<String> notices, EmbeddedRedis redis,
                             EmbeddedBroker broker) {
        this.redisUri = redisUri;
        this.rabbitUri = rabbitUri;
        this.notices = List.copyOf(notices);
        this.redis = redis;
        this.broker = broker;
    }

    /**
     * Probes the configured services (a Redis PING; an AMQP connection when {@code needRabbit}), each within about
     * {@value #PROBE_TIMEOUT_MILLIS} ms, and starts an embedded one for each that does not answer. Blocks until the
     * embedded servers accept connections (Redis 0.1 to 0.2 s, the broker 1 to 4 s).
     *
     * @param redisUri      the configured Redis, {@code redis://[:password@]host:port[/db]}
     * @param rabbitUri     the configured RabbitMQ, {@code amqp://user:password@host:port/vhost}; returned unchanged
     *                      when {@code needRabbit} is false
     * @param needRabbit    whether the run uses RabbitMQ (indirect mode)
     * @param allowEmbedded false for {@code --no-embedded}: fail instead of starting anything
     * @throws ServiceUnavailableException when a service does not answer and embedded ones are not allowed, or when
     *                                     an embedded one cannot start here; its message says what to start
     * @throws IllegalStateException       when a service answers but refuses the configured credentials (starting
     *                                     another one would hide the mistake)
     */
    public static EmbeddedServices ensure(String redisUri, String rabbitUri, boolean needRabbit, boolean allowEmbedded) {
        String redisProblem = probeRedis(redisUri);
        String rabbitProblem = needRabbit ? probeRabbit(rabbitUri) : null;
        if (!allowEmbedded && (redisProblem != null || rabbitProblem != null)) {
            List<String> missing = new ArrayList<>();
            if (redisProblem != null) {
                missing.add(redisMissing(redisUri, redisProblem));
            }
            if (rabbitProblem != null) {
                missing.add(rabbitMissing(rabbitUri, rabbitProblem));
            }
            throw new ServiceUnavailableException(String.join(System.lineSeparator(), missing));
        }

        List<String> notices = new ArrayList<>();
        EmbeddedRedis redis = null;
        EmbeddedBroker broker = null;
        String actualRedis = redisUri;
        String actualRabbit = rabbitUri;
        try {
            if (redisProblem != null) {
                redis = new EmbeddedRedis();
                try {
                    actualRedis = redis.start().toString();
                } catch (Exception | LinkageError e) {
                    throw new ServiceUnavailableException(redisMissing(redisUri, redisProblem)
                            + System.lineSeparator() + "  (the embedded Redis could not start here: " + e.getMessage() + ")", e);
                }
                notices.add("Redis does not answer at " + redacted(redisUri) + ": started an embedded Redis on "
                        + LoopbackPorts.HOST + ":" + redis.port() + " in " + redis.startupTime().toMillis()
                        + " ms (no persistence: its data ends with the demo)");
            }
            if (rabbitProblem != null) {
                broker = new EmbeddedBroker();
                try {
                    actualRabbit = broker.start().toString();
                } catch (Exception | LinkageError e) {
                    throw new ServiceUnavailableException(rabbitMissing(rabbitUri, rabbitProblem)
                            + System.lineSeparator() + "  (the embedded broker could not start here: " + e.getMessage() + ")", e);
                }
                notices.add("RabbitMQ does not answer at " + redacted(rabbitUri) + ": started an embedded AMQP broker "
                        + "(Apache Qpid Broker-J, in memory) on " + LoopbackPorts.HOST + ":" + broker.port() + " in "
                        + broker.startupTime().toMillis() + " ms");
            }
            return new EmbeddedServices(actualRedis, actualRabbit, notices, redis, broker);
        } catch (RuntimeException e) {
            closeQuietly(broker, e);
            closeQuietly(redis, e);
            throw e;
        }
    }

    /** The Redis URI the demo and its children should use: the configured one, or the embedded one's. */
    public String redisUri() {
        return redisUri;
    }

    /** The RabbitMQ URI the demo and its children should use: the configured one, or the embedded broker's. */
    public String rabbitUri() {
        return rabbitUri;
    }

    /** One line per embedded server started, to show the user; empty when the configured services answered. */
    public List<String> notices() {
        return notices;
    }

    /** Whether anything was started here (so the children depend on this process staying up). */
    public boolean startedEmbedded() {
        return redis != null || broker != null;
    }

    /** Stops the embedded broker, then the embedded Redis; a no-op when none was started. */
    @Override
    public void close() throws Exception {
        Exception failure = null;
        if (broker != null) {
            try {
                broker.close();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (redis != null) {
            try {
                redis.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * @return null when Redis answers PING, otherwise why it does not; through the store, so that a Sentinel or
     * cluster URI (a host list) is understood as the roles will understand it
     */
    static String probeRedis(String uri) {
        RedisSettings settings = RedisSettings.of(uri, RedisSettings.DEFAULT_PREFIX).withPoolSize(1)
                .withTimeout(Duration.ofMillis(PROBE_TIMEOUT_MILLIS));
        try (RedisMeteoStore store = new RedisMeteoStore(settings)) {
            store.ping();
            return null;
        } catch (StoreUnavailableException e) {
            return rootMessage(e);
        } catch (AccessRefusedException | JedisDataException e) {
            throw new IllegalStateException("Redis at " + redacted(uri) + " answers but refuses us: "
                    + e.getMessage() + ". Fix the password or database in --redis-uri / METEO_REDIS_URI.", e);
        }
    }

    /** @return null when an AMQP connection opens, otherwise why it does not */
    static String probeRabbit(String uri) {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(uri);
        } catch (Exception e) {
            throw new IllegalArgumentException("'" + redacted(uri) + "' is not an amqp:// URI: " + e.getMessage(), e);
        }
        String path = URI.create(uri).getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            factory.setVirtualHost("/"); // as RabbitSettings reads it: amqp://host/ is the default vhost, not ""
        }
        factory.setConnectionTimeout(PROBE_TIMEOUT_MILLIS);
        factory.setHandshakeTimeout(PROBE_TIMEOUT_MILLIS);
        factory.setAutomaticRecoveryEnabled(false);
        try {
            factory.newConnection("meteo-demo-probe").close();
            return null;
        } catch (PossibleAuthenticationFailureException e) {
            throw new IllegalStateException("RabbitMQ at " + redacted(uri) + " answers but refuses the credentials: "
                    + rootMessage(e) + ". Fix the user/password/vhost in --rabbit-uri / METEO_RABBIT_URI.", e);
        } catch (Exception e) {
            return rootMessage(e);
        }
    }

    private static String redisMissing(String uri, String problem) {
        return "Redis does not answer at " + redacted(uri) + " (" + problem + "). Start it with:  " + START_REDIS
                + "   or point --redis-uri / METEO_REDIS_URI at a running one (or drop --no-embedded).";
    }

    private static String rabbitMissing(String uri, String problem) {
        return "RabbitMQ does not answer at " + redacted(uri) + " (" + problem + "). Start it with:  " + START_RABBIT
                + "   or point --rabbit-uri / METEO_RABBIT_URI at a running broker (or drop --no-embedded).";
    }

    /**
     * The URI with its password masked, for messages: the user is kept. The credentials are what lies between
     * {@code ://} and the last {@code @}, whether or not {@link URI} can parse the rest (it cannot parse a host list).
     */
    static String redacted(String uri) {
        int start = uri.indexOf("://");
        int at = uri.lastIndexOf('@');
        if (start < 0 || at < start) {
            return at < 0 ? uri : "***" + uri.substring(at);
        }
        String userInfo = uri.substring(start + 3, at);
        int colon = userInfo.indexOf(':');
        String masked = colon < 0 ? "***" : userInfo.substring(0, colon) + ":***";
        return uri.substring(0, start + 3) + masked + uri.substring(at);
    }

    /** A short reason: "connection refused", "no answer within the probe timeout", or the innermost message. */
    private static String rootMessage(Throwable error) {
        Throwable root = error;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            root = t;
            for (Throwable suppressed : t.getSuppressed()) {
                String reason = knownReason(suppressed);
                if (reason != null) {
                    return reason;
                }
            }
            String reason = knownReason(t);
            if (reason != null) {
                return reason;
            }
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static String knownReason(Throwable error) {
        if (error instanceof ConnectException) {
            return "connection refused";
        }
        if (error instanceof SocketTimeoutException || error instanceof TimeoutException) {
            return "no answer within " + PROBE_TIMEOUT_MILLIS + " ms";
        }
        if (error instanceof UnknownHostException) {
            return "unknown host " + error.getMessage();
        }
        return null;
    }

    private static void closeQuietly(AutoCloseable started, Exception failure) {
        if (started == null) {
            return;
        }
        try {
            started.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }
}
