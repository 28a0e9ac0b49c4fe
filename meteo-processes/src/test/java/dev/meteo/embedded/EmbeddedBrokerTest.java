package dev.meteo.embedded;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.ShutdownSignalException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedBrokerTest {

    private static EmbeddedBroker broker;
    private static URI uri;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new EmbeddedBroker();
        uri = broker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void isReachedOnLoopbackWithTheGuestAccountAndTheDefaultVirtualHost() {
        assertEquals("amqp://guest:guest@127.0.0.1:" + broker.port() + "/%2F", uri.toString());
    }

    @Test
    void carriesAPersistentConfirmedMessageThroughADurableQueueToAManualAckConsumer() throws Exception {
        try (Connection connection = connect(); Channel channel = connection.createChannel()) {
            String queue = "meteo.embedded-test." + System.nanoTime();
            channel.queueDeclare(queue, true, false, true, null);
            channel.confirmSelect();

            channel.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC, "hello".getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(5_000);

            CompletableFuture<String> received = new CompletableFuture<>();
            channel.basicQos(10);
            channel.basicConsume(queue, false, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                        throws IOException {
                    getChannel().basicAck(envelope.getDeliveryTag(), false);
                    received.complete(new String(body, StandardCharsets.UTF_8) + "/" + properties.getDeliveryMode());
                }
            });

            assertEquals("hello/2", received.get(5, TimeUnit.SECONDS));
            assertEquals(0, channel.queueDeclarePassive(queue).getMessageCount(), "the ack removed the message");
        }
    }

    /** The RabbitMQ queue arguments the indirect mode might use, and what the embedded broker says to each. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"x-max-length, 100", "x-message-ttl, 60000", "x-expires, 60000", "x-overflow, reject-publish",
            "x-queue-type, classic", "x-dead-letter-exchange, meteo.dead"})
    void refusesRabbitMqSpecificQueueArgumentsWith542(String argument, String value) throws Exception {
        Object typed = value.chars().allMatch(Character::isDigit) ? (Object) Long.parseLong(value) : value;
        Connection connection = connect();
        try {
            Channel channel = connection.createChannel();
            IOException refused = assertThrows(IOException.class, () -> channel.queueDeclare(
                    "meteo.embedded-test." + System.nanoTime(), true, false, true, Map.of(argument, typed)));

            ShutdownSignalException reason = (ShutdownSignalException) refused.getCause();
            assertTrue(reason.isHardError(), "the whole connection is closed, not just the channel");
            assertEquals(542, ((AMQP.Connection.Close) reason.getReason()).getReplyCode());
            assertTrue(reason.getMessage().contains(argument), reason.getMessage());
        } finally {
            connection.abort(); // the broker has closed it already
        }
    }

    @Test
    void boundsAQueueWithItsOwnArgumentsDroppingTheOldest() throws Exception {
        try (Connection connection = connect(); Channel channel = connection.createChannel()) {
            String queue = "meteo.embedded-test." + System.nanoTime();
            channel.queueDeclare(queue, false, false, true, Map.of("qpid.max_count", 3, "qpid.policy_type", "ring"));
            channel.confirmSelect();
            for (byte i = 0; i < 5; i++) {
                channel.basicPublish("", queue, null, new byte[]{i});
            }
            channel.waitForConfirmsOrDie(5_000);

            assertEquals(3, channel.queueDeclarePassive(queue).getMessageCount());
            assertEquals(2, channel.basicGet(queue, true).getBody()[0], "the two oldest were dropped");
        }
    }

    @Test
    void acceptsSingleActiveConsumer() throws Exception {
        try (Connection connection = connect(); Channel channel = connection.createChannel()) {
            channel.queueDeclare("meteo.embedded-test." + System.nanoTime(), false, false, true,
                    Map.of("x-single-active-consumer", true));
        }
    }

    static Connection connect() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(uri);
        factory.setAutomaticRecoveryEnabled(false);
        return factory.newConnection("embedded-broker-test");
    }
}
