package dev.meteo.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.DefaultExceptionHandler;
import dev.meteo.internal.PemTls;
import dev.meteo.transport.AccessRefusedException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Opens the broker connections of every indirect-mode role, one way: automatic connection and topology recovery,
 * the settings' heartbeat, recovery attempts every second, and a log line when a connection is lost and when it is back.
 * With several brokers (a cluster), a connection goes to the first that answers, and recovery tries them all.
 *
 * <p>{@code amqps://} checks the broker's certificate (against the settings' CA, else the JVM's trust store) and that
 * it names the host connected to (amqp-client's own {@code amqps://} default checks the chain against the JVM's trust
 * store only, and not the host name). A broker that refuses the credentials or the virtual host is an {@link AccessRefusedException}: final, with a
 * message that names the user and the broker and says what to do.
 */
public final class RabbitConnections {

    private static final Logger LOG = Logger.getLogger(RabbitConnections.class.getName());

    private RabbitConnections() {
    }

    /**
     * Opens a connection to the broker of {@code settings}. {@code connectionName} shows in the broker's connection
     * list (management UI, {@code rabbitmqctl list_connections client_properties}).
     *
     * @throws UncheckedIOException when the broker cannot be reached
     * @throws AccessRefusedException  when it refuses the credentials or the virtual host
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
        if (settings.tls()) {
            // after setUri, which installs its own context for amqps:// (the JVM's trust store, no host name check)
            factory.useSslProtocol(PemTls.clientContext(settings.trustedCa()));
            factory.enableHostnameVerification();
        }
        // A lost connection is logged once below; the driver's own WARNING per failed attempt adds nothing.
        factory.setExceptionHandler(new QuietDriverErrors());
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(1_000);
        factory.setRequestedHeartbeat((int) settings.heartbeat().toSeconds());
        Connection connection;
        try {
            connection = factory.newConnection(Address.parseAddresses(String.join(",", settings.brokers())),
                    connectionName);
        } catch (TimeoutException e) {
            throw new UncheckedIOException(new IOException("broker " + settings.redactedUri() + " did not answer in time", e));
        } catch (IOException e) {
            AccessRefusedException refused = refusal(settings, e);
            if (refused != null) {
                throw refused;
            }
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

    /**
     * The access refusal {@code error} is, or {@code null}: a login refused (bad user or password, or {@code guest}
     * from another host), a virtual host refused, or an operation the user has no permission for. Roles that wrap
     * the errors of their set-up throw this instead, so that it is not retried.
     */
    public static AccessRefusedException refusal(RabbitSettings settings, Throwable error) {
        String user = settings.user();
        String broker = "RabbitMQ at " + settings.redactedUri();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof AuthenticationFailureException || cause instanceof PossibleAuthenticationFailureException) {
                return new AccessRefusedException(broker + " refused the login of user '" + user + "' ("
                        + cause.getMessage() + "): check the user and password in the URI" + (user.equals("guest")
                        ? "; note that RabbitMQ lets guest log in from the broker's own host only: elsewhere create a user,"
                        + " e.g. rabbitmqctl add_user meteo PASSWORD; rabbitmqctl add_vhost meteo; rabbitmqctl "
                        + "set_permissions -p meteo meteo '.*' '.*' '.*'; then --rabbit-uri "
                        + "amqp://meteo:PASSWORD@HOST:5672/meteo" : ""), error);
            }
            if (cause instanceof ShutdownSignalException signal && signal.getReason() instanceof AMQP.Connection.Close close
                    && close.getReplyCode() == AMQP.NOT_ALLOWED) {
                return new AccessRefusedException(broker + " refused user '" + user + "' the virtual host '"
                        + settings.virtualHost() + "' (" + close.getReplyText() + "): create it or grant it, e.g. "
                        + "rabbitmqctl add_vhost " + settings.virtualHost() + "; rabbitmqctl set_permissions -p "
                        + settings.virtualHost() + " " + user + " '.*' '.*' '.*'", error);
            }
            if (cause instanceof ShutdownSignalException signal && signal.getReason() instanceof AMQP.Channel.Close close
                    && close.getReplyCode() == AMQP.ACCESS_REFUSED) {
                return new AccessRefusedException(broker + " refused user '" + user + "' an operation ("
                        + close.getReplyText() + "): grant it the permissions on virtual host '" + settings.virtualHost()
                        + "', e.g. rabbitmqctl set_permissions -p " + settings.virtualHost() + " " + user
                        + " '.*' '.*' '.*'", error);
            }
        }
        return null;
    }

    /** amqp-client's handler, except that a failing connection attempt is a FINE line, not a WARNING each time. */
    private static final class QuietDriverErrors extends DefaultExceptionHandler {
        @Override
        public void handleUnexpectedConnectionDriverException(Connection connection, Throwable exception) {
            LOG.log(Level.FINE, "connection driver error", exception);
        }
    }
}
