package dev.meteo.rabbit.proxy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import dev.meteo.metrics.Measured;
import dev.meteo.metrics.Measurement;
import dev.meteo.model.WindowResult;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.topology.RecordMessages;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.transport.AccessRefusedException;
import dev.meteo.window.WindowResultPublisher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The proxy's {@link WindowResultPublisher} over RabbitMQ: each window result is published once, persistent, to the
 * fanout exchange (every terminal queue gets a copy). Confirms are tracked asynchronously by publish sequence number
 * (the RabbitMQ tutorials' {@code PublisherConfirmsAsync}), so the aggregator's catch-up hands many windows over
 * before waiting ({@link #publishAsync}, at most {@value #MAX_UNCONFIRMED} unconfirmed) instead of waiting for each
 * confirm in turn; a window is handed over only once the broker confirmed it. A nack, a connection lost before the
 * confirm, or no confirm within the confirm timeout fails it, and the {@link dev.meteo.window.WindowAggregator}
 * publishes it again later (terminals drop repeats).
 *
 * <p>One connection and one channel; called from the aggregator's thread only (confirms arrive on the client
 * library's). Entry point: {@link #open(RabbitSettings)}, then
 * {@code new WindowAggregator(aggregatorSettings, store, publisher, clock)}.
 */
public final class RabbitResultPublisher implements WindowResultPublisher, Measured {

    private static final Logger LOG = Logger.getLogger(RabbitResultPublisher.class.getName());
    /** Windows published and not yet confirmed at most; beyond, {@link #publishAsync} waits for a confirm. */
    static final int MAX_UNCONFIRMED = 256;

    private final RabbitSettings settings;
    private final Topology topology;
    private final Connection connection;
    private final Channel channel;
    private final Object lock = new Object();
    /** Published, not yet confirmed, by the channel's publish sequence number; guarded by lock for writes. */
    private final ConcurrentNavigableMap<Long, CompletableFuture<Void>> outstanding = new ConcurrentSkipListMap<>();
    private final Semaphore unconfirmedSlots = new Semaphore(MAX_UNCONFIRMED);
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
            channel.addConfirmListener(new ConfirmListener() {
                @Override
                public void handleAck(long sequence, boolean multiple) {
                    settle(sequence, multiple, null);
                }

                @Override
                public void handleNack(long sequence, boolean multiple) {
                    settle(sequence, multiple, new IOException("the broker nacked it"));
                }
            });
            // the confirms of a channel that is gone never come; a recovered channel numbers from 1 again
            channel.addShutdownListener(cause -> {
                synchronized (lock) {
                    settle(Long.MAX_VALUE, true, new IOException("the connection was lost before the broker confirmed it ("
                            + cause.getMessage() + ")"));
                }
            });
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
        try {
            publishAsync(result).get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof UncheckedIOException unchecked ? unchecked
                    : new UncheckedIOException(new IOException(String.valueOf(cause), cause));
        }
    }

    /**
     * Publishes one window without waiting for its confirm; the future completes once the broker confirmed it, or
     * fails with an {@link UncheckedIOException} (nacked, connection lost, no confirm within the confirm timeout).
     * Waits only while {@value #MAX_UNCONFIRMED} windows are unconfirmed.
     *
     * @throws UncheckedIOException when the broker is unreachable (nothing was published)
     */
    @Override
    public CompletableFuture<Void> publishAsync(WindowResult result) throws InterruptedException {
        String window = "window [" + result.start() + ", " + result.end() + ")";
        long timeoutMillis = settings.confirmTimeout().toMillis();
        if (!unconfirmedSlots.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS)) {
            unconfirmed.incrementAndGet();
            throw new UncheckedIOException(new IOException("the broker confirmed none of the last " + MAX_UNCONFIRMED
                    + " windows within " + timeoutMillis + " ms: " + window + " not published"));
        }
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        long sequence;
        synchronized (lock) {
            sequence = channel.getNextPublishSeqNo();
            outstanding.put(sequence, confirmed);
            try {
                channel.basicPublish(topology.windowsExchange(), "", RecordMessages.properties(result),
                        RecordMessages.body(result));
            } catch (IOException | RuntimeException e) {
                outstanding.remove(sequence, confirmed);
                unconfirmedSlots.release();
                throw new UncheckedIOException("publishing " + window + " failed: " + e.getMessage(),
                        e instanceof IOException io ? io : new IOException(e));
            }
        }
        return confirmed.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).handle((ignored, error) -> {
            outstanding.remove(sequence, confirmed); // timed out: a confirm may never come
            unconfirmedSlots.release();
            if (error == null) {
                published.incrementAndGet();
                return null;
            }
            unconfirmed.incrementAndGet();
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            throw new CompletionException(new UncheckedIOException(cause instanceof TimeoutException
                    ? new IOException("the broker did not confirm " + window + " within " + timeoutMillis + " ms", cause)
                    : new IOException(window + ": " + cause.getMessage(), cause)));
        });
    }

    /** Completes (or fails) the windows the broker answered for, up to {@code sequence} with {@code multiple}. */
    private void settle(long sequence, boolean multiple, IOException error) {
        ConcurrentNavigableMap<Long, CompletableFuture<Void>> answered = multiple
                ? outstanding.headMap(sequence, true) : outstanding.subMap(sequence, true, sequence, true);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (var entry : answered.entrySet()) {
            if (answered.remove(entry.getKey(), entry.getValue())) {
                done.add(entry.getValue());
            }
        }
        for (CompletableFuture<Void> window : done) {
            if (error == null) {
                window.complete(null);
            } else {
                window.completeExceptionally(error);
            }
        }
    }

    /** Windows published and confirmed, publishes not confirmed (nacked, lost or timed out: published again), and in flight. */
    @Override
    public List<Measurement> measurements() {
        return List.of(
                Measurement.counter("meteo.rabbit.windows.published", "windows published to the fanout and confirmed",
                        published.get()),
                Measurement.counter("meteo.rabbit.windows.unconfirmed", "window publishes nacked, lost or not confirmed in time",
                        unconfirmed.get()),
                Measurement.gauge("meteo.rabbit.windows.in.flight", "windows published and not yet confirmed",
                        MAX_UNCONFIRMED - unconfirmedSlots.availablePermits()));
    }

    /** Waits (bounded by the close timeout) for the confirms still awaited, then closes the connection. */
    @Override
    public void close() {
        try {
            CompletableFuture.allOf(outstanding.values().toArray(CompletableFuture[]::new))
                    .get(settings.closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // failed or not confirmed: the aggregator publishes those windows again
        }
        try {
            connection.close((int) settings.closeTimeout().toMillis());
        } catch (IOException | RuntimeException e) {
            LOG.fine("closing the proxy connection: " + e.getMessage());
            connection.abort(1_000);
        }
    }
}
