package dev.meteo.cli.metrics;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Reads RabbitMQ queues' depth and consumers with a passive declare, which every AMQP 0-9-1 broker answers (no
 * management plugin needed) and which creates nothing. One connection, opened on first use and again after it was
 * lost; a fresh channel per queue, because the broker closes the channel of a passive declare of a missing queue.
 * Blocks for a network round trip per queue: call it from a scrape or a status, not from a role's own threads.
 */
public final class QueueProbe implements AutoCloseable {

    /**
     * One queue now.
     *
     * @param name      the queue's name
     * @param exists    whether the broker knows it (the others are 0)
     * @param messages  messages ready for delivery (not those delivered and unacknowledged)
     * @param consumers consumers subscribed now
     */
    public record QueueDepth(String name, boolean exists, long messages, long consumers) {
    }

    private final RabbitSettings settings;
    private final String connectionName;
    private Connection connection;

    public QueueProbe(RabbitSettings settings, String connectionName) {
        this.settings = settings;
        this.connectionName = connectionName;
    }

    /**
     * The queues' depths, in the order given.
     *
     * @throws java.io.UncheckedIOException when the broker cannot be reached
     */
    public synchronized List<QueueDepth> depths(List<String> queues) {
        if (connection == null || !connection.isOpen()) {
            close();
            connection = RabbitConnections.open(settings, connectionName);
        }
        List<QueueDepth> depths = new ArrayList<>(queues.size());
        for (String queue : queues) {
            try (Channel channel = connection.createChannel()) {
                AMQP.Queue.DeclareOk ok = channel.queueDeclarePassive(queue);
                depths.add(new QueueDepth(queue, true, ok.getMessageCount(), ok.getConsumerCount()));
            } catch (IOException | TimeoutException | RuntimeException e) {
                depths.add(new QueueDepth(queue, false, 0, 0)); // NOT_FOUND closes the channel: nothing to close
            }
        }
        return depths;
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close(1_000);
            } catch (IOException | RuntimeException e) {
                connection.abort(1_000);
            }
            connection = null;
        }
    }
}
