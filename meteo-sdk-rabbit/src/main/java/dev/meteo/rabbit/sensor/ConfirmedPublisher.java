package dev.meteo.rabbit.sensor;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.topology.Topology;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The sensors' side of the work queue, shared by the record publisher (a message per record) and the batch publisher
 * (a message per batch): one connection, one channel in confirm mode, and every message kept until the broker
 * confirms it. Confirms are tracked asynchronously by publish sequence number (the RabbitMQ tutorials'
 * {@code PublisherConfirmsAsync}): no blocking wait per message. A message the broker nacks is published again at
 * once; one not confirmed by a channel that is gone, or not publishable while the connection is down, is published
 * again once the connection has recovered. So a message is delivered at least once; the stores deduplicate the
 * records of a repeat by their identity.
 *
 * <p>Thread-safe: {@link #publish} is serialised on one lock and never waits for the broker's answer; futures
 * complete on the client library's thread, so what they trigger must not block.
 */
final class ConfirmedPublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ConfirmedPublisher.class.getName());

    /**
     * A message on its way: what to publish again, and whom to tell when the broker confirmed it.
     *
     * @param records     records it carries (1, or a batch's), for the gauges
     * @param description what it is, for logs and the error of a message still unconfirmed at close
     */
    record Outgoing(AMQP.BasicProperties properties, byte[] body, int records, String description,
                    CompletableFuture<Void> confirmed) {
    }

    private final RabbitSettings settings;
    private final Topology topology;
    private final String connectionName;
    private final Connection connection;
    private final Channel channel;
    private final Object publishLock = new Object();
    /** Published, not yet confirmed, by the channel's publish sequence number. */
    private final ConcurrentNavigableMap<Long, Outgoing> outstanding = new ConcurrentSkipListMap<>();
    /** Not confirmed by a channel that is gone (or not publishable while the connection was down); guarded by publishLock. */
    private final List<Outgoing> toRepublish = new ArrayList<>();
    private final ExecutorService republisher;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong confirms = new AtomicLong();
    private final AtomicLong nacks = new AtomicLong();
    private final AtomicLong republished = new AtomicLong();
    private final AtomicLong republishedRecords = new AtomicLong();
    private long lastSequence; // guarded by publishLock
    private volatile boolean closed;

    /**
     * Opens the connection and the channel and declares the record queues.
     *
     * @throws IOException when the broker refuses the channel or a declaration
     * @throws java.io.UncheckedIOException when the broker cannot be reached
     */
    ConfirmedPublisher(RabbitSettings settings, String connectionName) throws IOException {
        this.settings = settings;
        this.topology = new Topology(settings);
        this.connectionName = connectionName;
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
            // Confirms of a channel that is gone never come: keep those messages for the recovered channel.
            channel.addShutdownListener(cause -> {
                if (!cause.isInitiatedByApplication()) {
                    LOG.warning(connectionName + ": " + outstanding.size() + " unconfirmed messages await recovery");
                }
                synchronized (publishLock) {
                    parkOutstanding();
                }
            });
            ((Recoverable) channel).addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable recoverable) {
                    LOG.info(connectionName + ": connection recovered, publishing unconfirmed messages again");
                    republisher.execute(ConfirmedPublisher.this::republishParked);
                }

                @Override
                public void handleRecoveryStarted(Recoverable recoverable) {
                }
            });
        } catch (IOException | RuntimeException e) {
            republisher.shutdownNow();
            abortQuietly();
            throw e;
        }
    }

    /** Publishes the message, or keeps it for the recovered connection; its future completes on the broker's confirm. */
    void publish(Outgoing message) {
        synchronized (publishLock) {
            if (closed) {
                message.confirmed().completeExceptionally(new IllegalStateException("publisher " + connectionName
                        + " is closed: " + message.description() + " not sent"));
            } else {
                send(message);
            }
        }
    }

    /** Publishes one message on the channel, or parks it for the recovered channel; holds publishLock. */
    private void send(Outgoing message) {
        long sequence = channel.getNextPublishSeqNo();
        if (sequence <= lastSequence) {
            parkOutstanding(); // a recovered channel restarts numbering: what the old one had is unconfirmed for good
        }
        lastSequence = sequence;
        outstanding.put(sequence, message);
        try {
            channel.basicPublish("", topology.workQueue(), message.properties(), message.body());
            published.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            // connection down (AlreadyClosedException) or broken mid-write: recovery publishes it again
            if (outstanding.remove(sequence, message)) {
                toRepublish.add(message);
            }
        }
    }

    /** Moves every unconfirmed message to the re-publish list; holds publishLock. */
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
            List<Outgoing> again = new ArrayList<>(toRepublish);
            toRepublish.clear();
            again.forEach(this::send);
            republished.addAndGet(again.size());
            republishedRecords.addAndGet(again.stream().mapToLong(Outgoing::records).sum());
            if (!again.isEmpty()) {
                LOG.info(connectionName + ": published " + again.size() + " unconfirmed messages again");
            }
        }
    }

    private void confirmed(long sequence, boolean multiple) {
        if (multiple) {
            ConcurrentNavigableMap<Long, Outgoing> done = outstanding.headMap(sequence, true);
            for (var entry : done.entrySet()) {
                if (done.remove(entry.getKey(), entry.getValue())) {
                    confirms.incrementAndGet();
                    entry.getValue().confirmed().complete(null);
                }
            }
        } else {
            Outgoing message = outstanding.remove(sequence);
            if (message != null) {
                confirms.incrementAndGet();
                message.confirmed().complete(null);
            }
        }
    }

    /** The broker could not take these messages (an internal error): publish them again rather than give up. */
    private void nacked(long sequence, boolean multiple) {
        List<Outgoing> again = new ArrayList<>();
        ConcurrentNavigableMap<Long, Outgoing> range = multiple
                ? outstanding.headMap(sequence, true) : outstanding.subMap(sequence, true, sequence, true);
        for (var entry : range.entrySet()) {
            if (range.remove(entry.getKey(), entry.getValue())) {
                again.add(entry.getValue());
            }
        }
        nacks.addAndGet(again.size());
        LOG.warning(connectionName + ": broker nacked " + again.size() + " messages, publishing them again");
        republisher.execute(() -> {
            synchronized (publishLock) {
                toRepublish.addAll(again);
            }
            republishParked();
        });
    }

    /** Messages published and not yet confirmed, those waiting for a recovered connection included. */
    int unconfirmed() {
        synchronized (publishLock) {
            return outstanding.size() + toRepublish.size();
        }
    }

    /** Records in the messages published and not yet confirmed, those waiting for a recovered connection included. */
    long unconfirmedRecords() {
        synchronized (publishLock) {
            return outstanding.values().stream().mapToLong(Outgoing::records).sum()
                    + toRepublish.stream().mapToLong(Outgoing::records).sum();
        }
    }

    /** Messages published, repeats included. */
    long published() {
        return published.get();
    }

    /** Messages the broker confirmed. */
    long confirms() {
        return confirms.get();
    }

    /** Messages the broker nacked (published again). */
    long nacks() {
        return nacks.get();
    }

    /** Messages published again after a lost connection or a nack. */
    long republished() {
        return republished.get();
    }

    /** Records in the messages published again after a lost connection or a nack. */
    long republishedRecords() {
        return republishedRecords.get();
    }

    String connectionName() {
        return connectionName;
    }

    String workQueue() {
        return topology.workQueue();
    }

    /**
     * Waits (bounded by the settings' close timeout) for outstanding confirms, then closes the connection; messages
     * still unconfirmed then fail with an {@link IOException}, and a publish from then on fails at once.
     */
    @Override
    public void close() {
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        synchronized (publishLock) {
            outstanding.values().forEach(message -> waiting.add(message.confirmed()));
            toRepublish.forEach(message -> waiting.add(message.confirmed()));
        }
        try {
            CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new))
                    .get(settings.closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // timed out: those messages fail below
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
        List<Outgoing> failed = new ArrayList<>();
        synchronized (publishLock) {
            parkOutstanding();
            failed.addAll(toRepublish);
            toRepublish.clear();
        }
        if (!failed.isEmpty()) {
            LOG.warning(connectionName + ": " + failed.size() + " messages unconfirmed at close");
        }
        failed.forEach(message -> message.confirmed().completeExceptionally(new IOException(
                "publisher " + connectionName + " closed before the broker confirmed " + message.description())));
    }

    private void abortQuietly() {
        try {
            connection.abort(1_000);
        } catch (RuntimeException ignored) {
            // closing anyway
        }
    }
}
