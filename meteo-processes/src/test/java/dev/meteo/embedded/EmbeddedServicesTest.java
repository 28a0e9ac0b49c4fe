package dev.meteo.embedded;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Needs the real Redis on 127.0.0.1:6379 and RabbitMQ on 127.0.0.1:5672, as CI has them. */
class EmbeddedServicesTest {

    private static final String REAL_REDIS = "redis://127.0.0.1:6379/0";
    private static final String REAL_RABBIT = "amqp://guest:guest@127.0.0.1:5672/%2F";
    private static final String CLOSED_REDIS = "redis://127.0.0.1:1/0";
    private static final String CLOSED_RABBIT = "amqp://guest:guest@127.0.0.1:1/%2F";

    @Test
    void keepsTheConfiguredServicesWhenTheyAnswer() throws Exception {
        try (EmbeddedServices services = EmbeddedServices.ensure(REAL_REDIS, REAL_RABBIT, true, true)) {
            assertEquals(REAL_REDIS, services.redisUri());
            assertEquals(REAL_RABBIT, services.rabbitUri());
            assertTrue(services.notices().isEmpty(), services.notices().toString());
            assertFalse(services.startedEmbedded());
        }
    }

    @Test
    void startsEmbeddedServicesWhenTheConfiguredOnesDoNotAnswerAndStopsThemOnClose() throws Exception {
        String redisUri;
        try (EmbeddedServices services = EmbeddedServices.ensure(CLOSED_REDIS, CLOSED_RABBIT, true, true)) {
            redisUri = services.redisUri();
            assertNotEquals(CLOSED_REDIS, redisUri);
            assertNotEquals(REAL_REDIS, redisUri, "6379 is taken by the real Redis, so a free port is used");
            try (Jedis jedis = new Jedis(URI.create(redisUri), 2_000)) {
                assertEquals("PONG", jedis.ping());
            }
            ConnectionFactory factory = new ConnectionFactory();
            factory.setUri(services.rabbitUri());
            try (Connection connection = factory.newConnection("embedded-services-test")) {
                assertEquals("Apache Qpid Broker-J Core", connection.getServerProperties().get("product").toString());
            }
            assertEquals(2, services.notices().size(), services.notices().toString());
            assertTrue(services.notices().get(0).startsWith("Redis does not answer at " + CLOSED_REDIS
                    + ": started an embedded Redis on 127.0.0.1:"), services.notices().get(0));
            assertTrue(services.notices().get(1).startsWith("RabbitMQ does not answer at amqp://guest:***@127.0.0.1:1/%2F: "
                    + "started an embedded AMQP broker"), services.notices().get(1));
        }
        assertThrows(JedisConnectionException.class, () -> {
            try (Jedis jedis = new Jedis(URI.create(redisUri), 500)) {
                jedis.ping();
            }
        });
    }

    @Test
    void aSentinelUriThatDoesNotAnswerIsNamedWithItsPasswordMasked() {
        String sentinels = "redis-sentinel://:s3cret@127.0.0.1:1,127.0.0.1:2/mymaster";
        ServiceUnavailableException error = assertThrows(ServiceUnavailableException.class,
                () -> EmbeddedServices.ensure(sentinels, CLOSED_RABBIT, false, false));
        assertTrue(error.getMessage().contains("Redis does not answer at redis-sentinel://:***@127.0.0.1:1,127.0.0.1:2/mymaster"),
                error.getMessage());
        assertFalse(error.getMessage().contains("s3cret"), error.getMessage());
    }

    @Test
    void leavesRabbitAloneWhenTheModeDoesNotUseIt() throws Exception {
        try (EmbeddedServices services = EmbeddedServices.ensure(REAL_REDIS, CLOSED_RABBIT, false, false)) {
            assertEquals(CLOSED_RABBIT, services.rabbitUri());
            assertFalse(services.startedEmbedded());
        }
    }

    @Test
    void saysExactlyWhatToStartWhenEmbeddedServicesAreNotAllowed() {
        ServiceUnavailableException error = assertThrows(ServiceUnavailableException.class,
                () -> EmbeddedServices.ensure(CLOSED_REDIS, CLOSED_RABBIT, true, false));

        String message = error.getMessage();
        assertTrue(message.contains("Redis does not answer at redis://127.0.0.1:1/0 (connection refused)"), message);
        assertTrue(message.contains(
                "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save \"\" --appendonly yes --appendfsync everysec"), message);
        assertTrue(message.contains("--redis-uri / METEO_REDIS_URI"), message);
        assertTrue(message.contains("RabbitMQ does not answer at amqp://guest:***@127.0.0.1:1/%2F"), message);
        assertTrue(message.contains("rabbitmq-server -detached"), message);
        assertTrue(message.contains("rabbitmq-diagnostics -q ping"), message);
        assertTrue(message.contains("--rabbit-uri / METEO_RABBIT_URI"), message);
    }

    @Test
    void refusesToHideAWrongRedisPasswordBehindAnEmbeddedOne() {
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> EmbeddedServices.ensure("redis://:wrong-password@127.0.0.1:6379/0", REAL_RABBIT, false, true));

        assertFalse(error instanceof ServiceUnavailableException);
        assertTrue(error.getMessage().contains("redis://:***@127.0.0.1:6379/0 answers but refuses us"), error.getMessage());
    }
}
