package dev.meteo.rabbit.terminal;

import dev.meteo.transport.AccessRefusedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import dev.meteo.internal.Backoff;
import dev.meteo.metrics.Measured;
import dev.meteo.metrics.Measurement;
import dev.meteo.model.WindowResult;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.topology.RecordMessages.UndecodableMessageException;
import dev.meteo.rabbit.topology.RecordMessages;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.terminal.Terminal;
import dev.meteo.terminal.WindowNotKeptException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * A terminal in indirect mode: consumes its own queue, {@code <prefix>.terminal.<terminal id>}, bound to the fanout
 * exchange of window results, and hands each result to the core {@link Terminal} (which drops repeats and stale
 * windows) before acknowledging it. A window the terminal could not keep (its file cannot be written) stays
 * unacknowledged and is tried again until it is kept, the windows behind it waiting: no gap, no repeat. The queue outlives the consumer (see {@link Topology}): a terminal started again
 * with the same id receives the windows published while it was down, within the queue's length and age bounds.
 *
 * <p>One connection and one channel; results are delivered one at a time, in queue order. Entry point:
 * {@link #start(RabbitSettings, Terminal)}; returns once the queue is declared and bound.
 */
public final class RabbitTerminalConsumer implements AutoCloseable, Measured {

    private static final Logger LOG = Logger.getLogger(RabbitTerminalConsumer.class.getName());
    private static final int PREFETCH = 64;
    /** Between attempts to keep a window a durable sink failed: 100 ms doubling up to 5 s. */
    private static final Backoff RETRY = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    private final RabbitSettings settings;
    private final Terminal terminal;
    private final Connection connection;
    private final Channel channel;
    private final String queue;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();
    /** Released by {@link #close()}: a window waiting to be kept again stops waiting. */
    private final CountDownLatch closing = new CountDownLatch(1);

    private RabbitTerminalConsumer(RabbitSettings settings, Terminal terminal) throws IOException {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.terminal = Objects.requireNonNull(terminal, "terminal");
        Topology topology = new Topology(settings);
        this.connection = RabbitConnections.open(settings, settings.namePrefix() + "-terminal-" + terminal.id());
        try {
            this.channel = connection.createChannel();
            this.queue = topology.declareTerminalQueue(channel, terminal.id());
            channel.basicQos(PREFETCH);
            // A second terminal with the same id must not take every other window. A classic queue refuses a second
            // exclusive consumer; a quorum queue ignores the flag, so it is single-active-consumer (a second one
            // would wait, idle) and the consumer count gives the clear error first.
            boolean quorum = topology.queueType(channel) == RabbitSettings.QueueType.QUORUM;
            if (quorum && channel.queueDeclarePassive(queue).getConsumerCount() > 0) {
                throw alreadyConsuming(settings, terminal, null);
            }
            channel.basicConsume(queue, false, "", false, !quorum, null, (tag, delivery) -> handle(delivery),
                    tag -> LOG.warning("terminal " + terminal.id() + ": consumer cancelled by the broker (queue deleted?)"));
        } catch (IOException | RuntimeException e) {
            connection.abort(1_000);
            throw e;
        }
        LOG.info("terminal " + terminal.id() + ": consuming " + queue);
    }

    /**
     * Declares the terminal's queue (bound to the fanout exchange) and starts delivering to {@code terminal}.
     *
     * @throws UncheckedIOException when the broker cannot be reached, or the queue exists with other limits
     */
    public static RabbitTerminalConsumer start(RabbitSettings settings, Terminal terminal) {
        try {
            return new RabbitTerminalConsumer(settings, terminal);
        } catch (IOException e) {
            AccessRefusedException refused = RabbitConnections.refusal(settings, e);
            if (refused != null) {
                throw refused;
            }
            String why = String.valueOf(e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
            if (why.contains("exclusive")) {
                throw alreadyConsuming(settings, terminal, e);
            }
            throw new UncheckedIOException("terminal " + terminal.id() + " cannot consume on " + settings.redactedUri()
                    + ": " + why, e);
        }
    }

    private static UncheckedIOException alreadyConsuming(RabbitSettings settings, Terminal terminal, IOException cause) {
        return new UncheckedIOException("terminal id " + terminal.id() + " is already consuming its queue "
                + new Topology(settings).terminalQueue(terminal.id()) + " (another terminal runs with this id): "
                + "give every terminal its own --id", cause == null ? new IOException("consumer count > 0") : cause);
    }

    private void handle(Delivery delivery) throws IOException {
        long tag = delivery.getEnvelope().getDeliveryTag();
        received.incrementAndGet();
        if (delivery.getEnvelope().isRedeliver()) {
            redelivered.incrementAndGet();
        }
        WindowResult result;
        try {
            result = RecordMessages.decodeWindow(delivery.getBody());
        } catch (UndecodableMessageException e) {
            LOG.warning("terminal " + terminal.id() + ": dropping a message that is not a window result: " + e.getMessage());
            channel.basicReject(tag, false);
            return;
        }
        for (int attempt = 0; ; attempt++) {
            try {
                terminal.deliver(result);
                break;
            } catch (WindowNotKeptException e) {
                // Its file cannot be written: the message stays unacknowledged, and the ones behind it wait (deliveries
                // of a channel come one at a time), so the file gets no gap and no window twice. Retried here rather
                // than requeued, which would hand the next window over first. Closing ends the wait: the broker then
                // delivers the message again to the next consumer of this queue.
                try {
                    if (closing.await(RETRY.delayMillis(attempt), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        channel.basicAck(tag, false);
    }

    /** Window messages received from the queue, and of those, redelivered. */
    @Override
    public List<Measurement> measurements() {
        return List.of(
                Measurement.counter("meteo.rabbit.window.deliveries", "window messages taken from the terminal's queue",
                        received.get()),
                Measurement.counter("meteo.rabbit.window.redeliveries", "of those, messages delivered again",
                        redelivered.get()));
    }

    /** The queue this terminal consumes. */
    public String queue() {
        return queue;
    }

    /**
     * Closes the connection within the close timeout; the queue stays (and keeps collecting windows) until the
     * terminal comes back or the queue expires. A result being delivered when the connection closes is redelivered
     * next time, and dropped by the terminal as a repeat.
     */
    @Override
    public void close() {
        closing.countDown();
        try {
            connection.close((int) settings.closeTimeout().toMillis());
        } catch (IOException | RuntimeException e) {
            connection.abort(1_000);
        }
        LOG.info("terminal " + terminal.id() + ": stopped consuming " + queue);
    }
}
