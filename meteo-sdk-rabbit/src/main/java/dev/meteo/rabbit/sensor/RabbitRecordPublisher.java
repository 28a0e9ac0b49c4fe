package dev.meteo.rabbit.sensor;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.metrics.Measured;
import dev.meteo.metrics.Measurement;
import dev.meteo.model.SensorRecord;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.topology.RecordMessages;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.transport.AccessRefusedException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * A sensor's {@link RecordPublisher} over RabbitMQ: each record becomes a persistent message on the shared work
 * queue, and its future completes when the broker confirms it (publisher confirms, tracked asynchronously by
 * sequence number: no blocking wait per message). A record the broker did not confirm (a nack, or a connection
 * lost before the confirm) is kept and published again once the connection has recovered, so a record is
 * delivered at least once; the stores deduplicate the repeats by record identity.
 *
 * <p>One connection and one channel per publisher; {@link #publish} is thread-safe (publishing is serialised, it
 * never waits for the broker's answer). Entry point: {@link #open(RabbitSettings)}.
 */
public final class RabbitRecordPublisher implements RecordPublisher, Measured {

    private static final Logger LOG = Logger.getLogger(RabbitRecordPublisher.class.getName());

    /** A record on its way: what to publish again, and whom to tell when it is confirmed. */
    private record Pending(SensorRecord record, AMQP.BasicProperties properties, byte[] body,
                           CompletableFuture<Void> confirmed) {
    }

    private final RabbitSettings settings;
    private final Topology topology;
    private final Connection connection;
    private final Channel channel;
    private final Object publishLock = new Object();
    /** Published, not yet confirmed, by the channel's publish sequence number. */
    private final ConcurrentNavigableMap<Long, Pending> outstanding = new ConcurrentSkipListMap<>();
    /** Not confirmed by a channel that is gone (or not publishable while the connection was down); guarded by publishLock. */
    private final List<Pending> toRepublish = new ArrayList<>();
    private final ExecutorService republisher;
    private final AtomicLong republished = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong confirms = new AtomicLong();
    private final AtomicLong nacks = new AtomicLong();
    private long lastSequence; // guarded by publishLock
    private volatile boolean closed;

    private RabbitRecordPublisher(RabbitSettings settings, String connectionName) throws IOException {
        this.settings = settings;
        this.topology = new Topology(settings);
        this.republisher = Executors.newSingleThreadExecutor(new DaemonThreadFactory(connectionName + "-republisher"));
        this.connection = RabbitConnections.open(settings, connectionName);
        try {
            this.channel = connection.createChannel();
            topology.declareRecordQueues(channel);
            channel.confirmSelect();
            channel.addConfirmListener(new ConfirmListener() {
                @Override
                public void handleAck(long sequence, boolean multiple) {
                    confirmed(sequence, multiple);
                }

                @Override
                public void handleNack(long sequence, boolean multiple) {
                    nacked(sequence, multiple);
                }
            });
            // Confirms of a channel that is gone never come: keep those records for the recovered channel.
            channel.addShutdownListener(cause -> {
                if (!cause.isInitiatedByApplication()) {
                    LOG.warning(connectionName + ": " + outstanding.size() + " unconfirmed records await recovery");
                }
                synchronized (publishLock) {
                    parkOutstanding();
                }
            });
            ((Recoverable) channel).addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable recoverable) {
                    LOG.info(connectionName + ": connection recovered, publishing unconfirmed records again");
                    republisher.execute(RabbitRecordPublisher.this::republishParked);
                }

                @Override
                public void handleRecoveryStarted(Recoverable recoverable) {
                }
            });
        } catch (IOException | RuntimeException e) {
            abortQuietly();
            throw e;
        }
    }

    /**
     * Opens a publisher on the broker of {@code settings} and declares the record queues.
     *
     * @throws UncheckedIOException when the broker cannot be reached or refuses the work queue's declaration
     */
    public static RabbitRecordPublisher open(RabbitSettings settings) {
        try {
            return new RabbitRecordPublisher(settings,
                    settings.namePrefix() + "-sensor-" + UUID.randomUUID().toString().substring(0, 8));
        } catch (IOException e) {
            AccessRefusedException refused = RabbitConnections.refusal(settings, e);
            if (refused != null) {
                throw refused;
            }
            throw new UncheckedIOException("a sensor cannot publish on " + settings.redactedUri() + ": " + e.getMessage(), e);
        }
    }

    /** Never blocks on the broker; the future completes on the broker's confirm, or fails at {@link #close()}. */
    @Override
    public CompletableFuture<Void> publish(SensorRecord record) {
        Pending pending = new Pending(record, RecordMessages.properties(record), RecordMessages.body(record),
                new CompletableFuture<>());
        synchronized (publishLock) {
            if (closed) {
                pending.confirmed().completeExceptionally(new IllegalStateException("record publisher is closed"));
            } else {
                send(pending);
            }
        }
        return pending.confirmed();
    }

    /** Publishes one record on the channel, or parks it for the recovered channel; holds publishLock. */
    private void send(Pending pending) {
        long sequence = channel.getNextPublishSeqNo();
        if (sequence <= lastSequence) {
            parkOutstanding(); // a recovered channel restarts numbering: what the old one had is unconfirmed for good
        }
        lastSequence = sequence;
        outstanding.put(sequence, pending);
        try {
            channel.basicPublish("", topology.workQueue(), pending.properties(), pending.body());
            published.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            // connection down (AlreadyClosedException) or broken mid-write: recovery publishes it again
            if (outstanding.remove(sequence, pending)) {
                toRepublish.add(pending);
            }
        }
    }

    /** Moves every unconfirmed record to the re-publish list; holds publishLock. */
    private void parkOutstanding() {
        for (var entry : outstanding.entrySet()) {
            if (outstanding.remove(entry.getKey(), entry.getValue())) {
                toRepublish.add(entry.getValue());
            }
        }
    }

    private void republishParked() {
        synchronized (publishLock) {
            if (closed || !channel.isOpen()) {
                return; // the next recovery tries again
            }
            parkOutstanding();
            List<Pending> again = new ArrayList<>(toRepublish);
            toRepublish.clear();
            again.forEach(this::send);
            republished.addAndGet(again.size());
            if (!again.isEmpty()) {
                LOG.info("published " + again.size() + " unconfirmed records again");
            }
        }
    }

    private void confirmed(long sequence, boolean multiple) {
        if (multiple) {
            ConcurrentNavigableMap<Long, Pending> done = outstanding.headMap(sequence, true);
            for (var entry : done.entrySet()) {
                if (done.remove(entry.getKey(), entry.getValue())) {
                    confirms.incrementAndGet();
                    entry.getValue().confirmed().complete(null);
                }
            }
        } else {
            Pending pending = outstanding.remove(sequence);
            if (pending != null) {
                confirms.incrementAndGet();
                pending.confirmed().complete(null);
            }
        }
    }

    /** The broker could not take these records (an internal error): publish them again rather than give up. */
    private void nacked(long sequence, boolean multiple) {
        List<Pending> again = new ArrayList<>();
        ConcurrentNavigableMap<Long, Pending> range = multiple
                ? outstanding.headMap(sequence, true) : outstanding.subMap(sequence, true, sequence, true);
        for (var entry : range.entrySet()) {
            if (range.remove(entry.getKey(), entry.getValue())) {
                again.add(entry.getValue());
            }
        }
        nacks.addAndGet(again.size());
        LOG.warning("broker nacked " + again.size() + " records, publishing them again");
        republisher.execute(() -> {
            synchronized (publishLock) {
                toRepublish.addAll(again);
            }
            republishParked();
        });
    }

    /** Records published but not yet confirmed (including those waiting for a recovered connection). */
    public int unconfirmed() {
        synchronized (publishLock) {
            return outstanding.size() + toRepublish.size();
        }
    }

    /** Records published again after a lost connection or a nack, since the start. */
    public long republished() {
        return republished.get();
    }

    /** Messages published (repeats included), confirmed, nacked, published again, and unconfirmed now. */
    @Override
    public List<Measurement> measurements() {
        return List.of(
                Measurement.counter("meteo.rabbit.published", "record messages published to the work queue, repeats included",
                        published.get()),
                Measurement.counter("meteo.rabbit.confirms", "record messages the broker confirmed", confirms.get()),
                Measurement.counter("meteo.rabbit.nacks", "record messages the broker nacked (published again)", nacks.get()),
                Measurement.counter("meteo.rabbit.republished", "records published again after a lost connection or a nack",
                        republished.get()),
                Measurement.gauge("meteo.rabbit.unconfirmed", "records published and not yet confirmed", unconfirmed()));
    }

    /** The connection's name, as the broker lists it (client property {@code connection_name}). */
    public String connectionName() {
        return connection.getClientProvidedName();
    }

    /**
     * Waits (bounded by the settings' close timeout) for outstanding confirms, then closes the connection; records
     * still unconfirmed then fail.
     */
    @Override
    public void close() {
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        synchronized (publishLock) {
            outstanding.values().forEach(p -> waiting.add(p.confirmed()));
            toRepublish.forEach(p -> waiting.add(p.confirmed()));
        }
        try {
            CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new))
                    .get(settings.closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // timed out: those records fail below
        }
        synchronized (publishLock) {
            closed = true; // from here on publish fails at once, so nothing is left behind below
        }
        republisher.shutdownNow();
        try {
            connection.close((int) settings.closeTimeout().toMillis());
        } catch (IOException | RuntimeException e) {
            abortQuietly();
        }
        List<Pending> failed = new ArrayList<>();
        synchronized (publishLock) {
            parkOutstanding();
            failed.addAll(toRepublish);
            toRepublish.clear();
        }
        if (!failed.isEmpty()) {
            LOG.warning(failed.size() + " records unconfirmed at close");
        }
        failed.forEach(p -> p.confirmed().completeExceptionally(
                new IOException("record publisher closed before the broker confirmed " + p.record().id())));
    }

    private void abortQuietly() {
        try {
            connection.abort(1_000);
        } catch (RuntimeException ignored) {
            // closing anyway
        }
    }

    @Override
    public String toString() {
        return "RabbitRecordPublisher[" + connectionName() + " -> " + topology.workQueue() + "]";
    }
}
