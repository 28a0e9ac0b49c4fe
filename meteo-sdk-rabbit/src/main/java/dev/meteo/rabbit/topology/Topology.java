package dev.meteo.rabbit.topology;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.meteo.rabbit.RabbitSettings.QueueType;
import dev.meteo.rabbit.RabbitSettings;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * The indirect mode's whole broker topology, declared in this one place. Every declaration is idempotent (same name,
 * same flags, same arguments), so every role declares what it uses when it starts, in any order:
 *
 * <ul>
 *   <li>{@code <prefix>.records}: the durable work queue; sensors publish persistent records to it through the
 *       default exchange, compute servers compete for them. No length limit: records are never dropped.</li>
 *   <li>{@code <prefix>.records.dead}: the durable dead-letter queue; a compute server publishes a record it cannot
 *       decode or that fails validation here, with the reason in the {@value RecordMessages#REJECT_REASON_HEADER}
 *       header, waits for the confirm, then acks the original. Explicit rather than the
 *       {@code x-dead-letter-exchange} argument, which other AMQP 0-9-1 brokers refuse and which carries no reason.
 *       Bounded by {@value #DEAD_LETTER_MAX_LENGTH} messages (oldest dropped): every rejection is counted in Redis
 *       already, the queue keeps the recent ones for inspection.</li>
 *   <li>{@code <prefix>.windows}: the durable fanout exchange the proxy publishes each window result to once.</li>
 *   <li>{@code <prefix>.terminal.<terminalId>}: one durable, non-exclusive queue per terminal, bound to the fanout.
 *       Its name comes from the terminal id, so a terminal restarted with the same id finds the windows published
 *       while it was down. Bounded so that a terminal that is away does not grow it without limit:
 *       {@code x-max-length} (oldest windows dropped first), {@code x-message-ttl} (stale windows dropped), and
 *       {@code x-expires}: a queue without consumer for that long is deleted by the broker, so a terminal that never
 *       comes back does not keep a queue forever (one that comes back later starts afresh). One consumer at a
 *       time: an exclusive consumer on a classic queue, {@code x-single-active-consumer} on a quorum queue (which
 *       ignores the exclusive flag).</li>
 * </ul>
 *
 * <p>Queue type ({@link RabbitSettings#queueType()}): on RabbitMQ 3.8 or later the three queues are quorum queues
 * by default, replicated over the cluster's nodes with Raft, so losing a minority of nodes loses no message. This
 * broker version (3.10) accepts every argument above on a quorum queue ({@code x-overflow=drop-head} and
 * {@code x-message-ttl} included). No {@code x-delivery-limit} is set: a record a compute server could not store is
 * requeued until one can (an undecodable one goes to the dead-letter queue at once), never dropped by the broker.
 * A queue that already exists with another type cannot be redeclared (406); with {@link QueueType#AUTO} it is kept
 * as it is, with a warning, and {@code meteo reset --mode rabbit} re-creates it.
 */
public final class Topology {

    /** Dead letters kept for inspection at most. */
    public static final int DEAD_LETTER_MAX_LENGTH = 100_000;

    private static final Logger LOG = Logger.getLogger(Topology.class.getName());

    private final RabbitSettings settings;

    public Topology(RabbitSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public String workQueue() {
        return settings.namePrefix() + ".records";
    }

    public String deadLetterQueue() {
        return settings.namePrefix() + ".records.dead";
    }

    public String windowsExchange() {
        return settings.namePrefix() + ".windows";
    }

    /** The queue of the terminal with this id; the id must be non-blank. */
    public String terminalQueue(String terminalId) {
        if (terminalId == null || terminalId.isBlank()) {
            throw new IllegalArgumentException("terminal id must be non-blank");
        }
        return settings.namePrefix() + ".terminal." + terminalId;
    }

    /** Declares the work queue and the dead-letter queue (sensors, compute servers). */
    public void declareRecordQueues(Channel channel) throws IOException {
        declareQueue(channel, workQueue(), Map.of());
        declareQueue(channel, deadLetterQueue(),
                isQpid(channel) ? qpidRing(DEAD_LETTER_MAX_LENGTH) : Map.of("x-max-length", DEAD_LETTER_MAX_LENGTH));
    }

    /** Declares the fanout exchange of window results (proxy, terminals). */
    public void declareWindowsExchange(Channel channel) throws IOException {
        channel.exchangeDeclare(windowsExchange(), BuiltinExchangeType.FANOUT, true, false, Map.of());
    }

    /** Declares the exchange, the terminal's queue with its limits, and the binding; returns the queue name. */
    public String declareTerminalQueue(Channel channel, String terminalId) throws IOException {
        declareWindowsExchange(channel);
        String queue = terminalQueue(terminalId);
        Map<String, Object> limits = new HashMap<>(Map.of(
                "x-max-length", settings.terminalMaxLength(),
                "x-overflow", "drop-head",
                "x-message-ttl", settings.terminalMessageTtl().toMillis(),
                "x-expires", settings.terminalQueueExpires().toMillis()));
        if (queueType(channel) == QueueType.QUORUM) {
            limits.put("x-single-active-consumer", true); // quorum queues ignore an exclusive consumer
        }
        declareQueue(channel, queue, isQpid(channel) ? qpidRing(settings.terminalMaxLength()) : limits);
        channel.queueBind(queue, windowsExchange(), "");
        return queue;
    }

    /** The type this deployment's queues get on the channel's broker: {@link QueueType#AUTO} resolved. */
    public QueueType queueType(Channel channel) {
        if (settings.queueType() != QueueType.AUTO) {
            return settings.queueType();
        }
        return !isQpid(channel) && rabbitVersionAtLeast(channel, 3, 8) ? QueueType.QUORUM : QueueType.CLASSIC;
    }

    /**
     * Declares a durable queue with these arguments and the deployment's queue type. With {@link QueueType#AUTO}, a
     * queue that exists as a classic queue is kept (probed on a throw-away channel, because a refused declaration
     * closes its channel); with an explicit type, a queue of the other type is a clear error.
     */
    private void declareQueue(Channel channel, String queue, Map<String, Object> arguments) throws IOException {
        QueueType type = queueType(channel);
        if (type == QueueType.QUORUM) {
            Map<String, Object> quorum = new HashMap<>(arguments);
            quorum.put("x-queue-type", "quorum");
            if (settings.queueType() == QueueType.AUTO && !declaresOnFreshChannel(channel.getConnection(), queue, quorum)) {
                LOG.warning(() -> "queue " + queue + " exists as a classic queue, kept as it is: it is not replicated "
                        + "(meteo reset --mode rabbit deletes it so that it is declared again as a quorum queue)");
                channel.queueDeclare(queue, true, false, false, arguments);
                return;
            }
            arguments = quorum;
        }
        try {
            channel.queueDeclare(queue, true, false, false, arguments);
        } catch (IOException e) {
            throw new IOException("cannot declare queue " + queue + " as a " + type.name().toLowerCase()
                    + " queue with " + arguments + ": " + brokerReason(e) + ". Every process of a deployment must "
                    + "use the same queue type and limits; meteo reset --mode rabbit deletes the deployment's queues", e);
        }
    }

    /** Whether the broker accepts this declaration; false when it refuses it as inequivalent (406). */
    private static boolean declaresOnFreshChannel(Connection connection, String queue, Map<String, Object> arguments)
            throws IOException {
        Channel probe = connection.createChannel();
        try {
            probe.queueDeclare(queue, true, false, false, arguments);
            return true;
        } catch (IOException e) {
            if (brokerReason(e).contains("PRECONDITION_FAILED")) {
                return false;
            }
            throw e;
        } finally {
            if (probe.isOpen()) {
                try {
                    probe.close();
                } catch (Exception e) {
                    // closing a throw-away channel
                }
            }
        }
    }

    private static String brokerReason(IOException e) {
        return e.getCause() instanceof ShutdownSignalException signal ? String.valueOf(signal.getReason())
                : String.valueOf(e.getMessage());
    }

    private static boolean rabbitVersionAtLeast(Channel channel, int major, int minor) {
        Object version = channel.getConnection().getServerProperties().get("version");
        String[] parts = String.valueOf(version).split("\\.");
        try {
            int actualMajor = Integer.parseInt(parts[0]);
            int actualMinor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return actualMajor > major || (actualMajor == major && actualMinor >= minor);
        } catch (NumberFormatException e) {
            return false; // not RabbitMQ's numbering: classic queues are the portable choice
        }
    }

    /**
     * Whether the broker is Apache Qpid Broker-J (the demo's embedded broker). It refuses RabbitMQ's {@code x-*} queue
     * arguments (542, connection closed), so queues there are bounded with its own ring policy instead, and have no
     * TTL or expiry: acceptable for a broker that lives only as long as the demo.
     */
    static boolean isQpid(Channel channel) {
        // Its "product" property reads "unknown" once shaded into a fat jar; its own "qpid.*" properties remain.
        return channel.getConnection().getServerProperties().keySet().stream().anyMatch(key -> key.startsWith("qpid."));
    }

    /** Qpid's equivalent of {@code x-max-length} with {@code x-overflow=drop-head}. */
    private static Map<String, Object> qpidRing(int maxLength) {
        return Map.of("qpid.max_count", maxLength, "qpid.policy_type", "ring");
    }

    /** Declares everything but terminal queues. */
    public void declareShared(Channel channel) throws IOException {
        declareRecordQueues(channel);
        declareWindowsExchange(channel);
    }

    /**
     * Deletes the shared queues and exchange and the named terminals' queues (tests, {@code meteo reset}); missing
     * ones are ignored. Uses a fresh channel per deletion because a failed deletion closes the channel.
     */
    public void deleteAll(Connection connection, Iterable<String> terminalIds) throws IOException {
        for (String terminalId : terminalIds) {
            deleteQueue(connection, terminalQueue(terminalId));
        }
        deleteQueue(connection, workQueue());
        deleteQueue(connection, deadLetterQueue());
        try (Channel channel = connection.createChannel()) {
            channel.exchangeDelete(windowsExchange());
        } catch (Exception e) {
            // already gone
        }
    }

    private static void deleteQueue(Connection connection, String queue) {
        try (Channel channel = connection.createChannel()) {
            channel.queueDelete(queue);
        } catch (Exception e) {
            // already gone
        }
    }
}
