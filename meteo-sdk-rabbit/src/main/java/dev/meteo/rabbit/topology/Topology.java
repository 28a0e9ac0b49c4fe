package dev.meteo.rabbit.topology;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import dev.meteo.rabbit.RabbitSettings;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;

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
 *       comes back does not keep a queue forever (one that comes back later starts afresh).</li>
 * </ul>
 */
public final class Topology {

    /** Dead letters kept for inspection at most. */
    public static final int DEAD_LETTER_MAX_LENGTH = 100_000;

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
        channel.queueDeclare(workQueue(), true, false, false, Map.of());
        channel.queueDeclare(deadLetterQueue(), true, false, false,
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
        channel.queueDeclare(queue, true, false, false, isQpid(channel) ? qpidRing(settings.terminalMaxLength()) : Map.of(
                "x-max-length", settings.terminalMaxLength(),
                "x-overflow", "drop-head",
                "x-message-ttl", settings.terminalMessageTtl().toMillis(),
                "x-expires", settings.terminalQueueExpires().toMillis()));
        channel.queueBind(queue, windowsExchange(), "");
        return queue;
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
    public void deleteAll(com.rabbitmq.client.Connection connection, Iterable<String> terminalIds) throws IOException {
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

    private static void deleteQueue(com.rabbitmq.client.Connection connection, String queue) {
        try (Channel channel = connection.createChannel()) {
            channel.queueDelete(queue);
        } catch (Exception e) {
            // already gone
        }
    }
}
