package dev.meteo.rabbit;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * Opens the broker connections of every indirect-mode role, one way: automatic connection and topology recovery,
 * a 15 s heartbeat, recovery attempts every second, and a log line when a connection is lost and when it is back.
 * With several brokers (a cluster), a connection goes to the first that answers, and recovery tries them all.
 */
public final class RabbitConnections {

    private static final Logger LOG = Logger.getLogger(RabbitConnections.class.getName());

    private RabbitConnections() {
    }

    /**
     * Opens a connection to the broker of {@code settings}. {@code connectionName} shows in the broker's connection
     * list (management UI, {@code rabbitmqctl list_connections client_properties}).
     *
     * @throws UncheckedIOException when the broker cannot be reached or refuses the credentials
     */
    public static Connection open(RabbitSettings settings, String connectionName) {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(settings.uri());
        } catch (Exception e) {
            throw new IllegalArgumentException("bad broker URI " + settings.redactedUri() + ": " + e.getMessage());
        }
        String path = settings.uri().getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            factory.setVirtualHost("/"); // amqp://host/ means the default vhost, not the empty-named one
        }
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(1_000);
        factory.setRequestedHeartbeat(15);
        Connection connection;
        try {
            connection = factory.newConnection(Address.parseAddresses(String.join(",", settings.brokers())),
                    connectionName);
        } catch (TimeoutException e) {
            throw new UncheckedIOException(new IOException("broker " + settings.redactedUri() + " did not answer in time", e));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to the broker at " + settings.redactedUri() + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
        connection.addShutdownListener(cause -> {
            if (!cause.isInitiatedByApplication()) {
                LOG.warning(connectionName + ": connection lost (" + cause.getMessage() + "), recovering");
            }
        });
        ((Recoverable) connection).addRecoveryListener(new RecoveryListener() {
            @Override
            public void handleRecovery(Recoverable recoverable) {
                LOG.info(connectionName + ": connection and topology recovered");
            }

            @Override
            public void handleRecoveryStarted(Recoverable recoverable) {
            }
        });
        return connection;
    }
}
