package dev.meteo.rabbit.proxy;

import dev.meteo.transport.AccessRefusedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.meteo.metrics.Measured;
import dev.meteo.metrics.Measurement;
import dev.meteo.model.WindowResult;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.topology.RecordMessages;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.window.WindowResultPublisher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The proxy's {@link WindowResultPublisher} over RabbitMQ: each window result is published once, persistent, to the
 * fanout exchange (every terminal queue gets a copy), and {@link #publish} returns when the broker confirmed it. When
 * the broker is unreachable or does not confirm in time it throws, and the
 * {@link dev.meteo.window.WindowAggregator} publishes the window again later (terminals drop repeats).
 *
 * <p>One connection and one channel; called from the aggregator's thread only. Entry point:
 * {@link #open(RabbitSettings)}, then {@code new WindowAggregator(aggregatorSettings, store, publisher, clock)}.
 */
public final class RabbitResultPublisher implements WindowResultPublisher, Measured {

    private static final Logger LOG = Logger.getLogger(RabbitResultPublisher.class.getName());

    private final RabbitSettings settings;
    private final Topology topology;
    private final Connection connection;
    private final Channel channel;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong unconfirmed = new AtomicLong();

    private RabbitResultPublisher(RabbitSettings settings) throws IOException {
        this.settings = settings;
        this.topology = new Topology(settings);
        this.connection = RabbitConnections.open(settings, settings.namePrefix() + "-proxy-" + UUID.randomUUID().toString().substring(0, 8));
        try {
            this.channel = connection.createChannel();
            topology.declareWindowsExchange(channel);
            channel.confirmSelect();
        } catch (IOException | RuntimeException e) {
            connection.abort(1_000);
            throw e;
        }
    }

    /**
     * Opens a publisher on the broker of {@code settings} and declares the fanout exchange.
     *
     * @throws UncheckedIOException when the broker cannot be reached or refuses the exchange's declaration
     */
    public static RabbitResultPublisher open(RabbitSettings settings) {
        try {
            return new RabbitResultPublisher(settings);
        } catch (IOException e) {
            AccessRefusedException refused = RabbitConnections.refusal(settings, e);
            if (refused != null) {
                throw refused;
            }
            throw new UncheckedIOException("the proxy cannot publish on " + settings.redactedUri() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Publishes one window and waits for the broker's confirm.
     *
     * @throws UncheckedIOException when the broker is unreachable, nacked the message or did not confirm within the
     *                              confirm timeout (the result may or may not have reached the terminals: publishing
     *                              it again is safe, terminals drop repeats)
     */
    @Override
    public void publish(WindowResult result) throws InterruptedException {
        String window = "window [" + result.start() + ", " + result.end() + ")";
        try {
            channel.basicPublish(topology.windowsExchange(), "", RecordMessages.properties(result), RecordMessages.body(result));
            if (!channel.waitForConfirms(settings.confirmTimeout().toMillis())) {
                unconfirmed.incrementAndGet();
                throw new IOException("the broker nacked " + window);
            }
            published.incrementAndGet();
        } catch (TimeoutException e) {
            unconfirmed.incrementAndGet();
            throw new UncheckedIOException(new IOException("the broker did not confirm " + window + " within "
                    + settings.confirmTimeout().toMillis() + " ms", e));
        } catch (IOException e) {
            throw new UncheckedIOException("publishing " + window + " failed: " + e.getMessage(), e);
        }
    }

    /** Windows published and confirmed, and publishes not confirmed (nacked or timed out: published again). */
    @Override
    public List<Measurement> measurements() {
        return List.of(
                Measurement.counter("meteo.rabbit.windows.published", "windows published to the fanout and confirmed",
                        published.get()),
                Measurement.counter("meteo.rabbit.windows.unconfirmed", "window publishes nacked or not confirmed in time",
                        unconfirmed.get()));
    }

    /** Closes the connection within the close timeout (publish is synchronous: nothing is in flight after it). */
    @Override
    public void close() {
        try {
            connection.close((int) settings.closeTimeout().toMillis());
        } catch (IOException | RuntimeException e) {
            LOG.fine("closing the proxy connection: " + e.getMessage());
            connection.abort(1_000);
        }
    }
}
