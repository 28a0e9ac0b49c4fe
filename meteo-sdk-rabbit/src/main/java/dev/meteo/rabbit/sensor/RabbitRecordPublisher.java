package dev.meteo.rabbit.sensor;

import dev.meteo.metrics.Measured;
import dev.meteo.metrics.Measurement;
import dev.meteo.model.SensorRecord;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.topology.RecordMessages;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.transport.AccessRefusedException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A sensor's {@link RecordPublisher} over RabbitMQ: each record becomes a persistent message on the shared work
 * queue, and its future completes when the broker confirms it (publisher confirms, tracked asynchronously by
 * sequence number: no blocking wait per message). A record the broker did not confirm (a nack, or a connection
 * lost before the confirm) is kept and published again once the connection has recovered, so a record is
 * delivered at least once; the stores deduplicate the repeats by record identity. The assignment's publisher: a
 * fleet of sensors in one process publishes batches instead ({@link RabbitBatchPublisher}).
 *
 * <p>One connection and one channel per publisher; {@link #publish} is thread-safe (publishing is serialised, it
 * never waits for the broker's answer). Entry point: {@link #open(RabbitSettings)}.
 */
public final class RabbitRecordPublisher implements RecordPublisher, Measured {

    private final ConfirmedPublisher out;

    private RabbitRecordPublisher(ConfirmedPublisher out) {
        this.out = out;
    }

    /**
     * Opens a publisher on the broker of {@code settings} and declares the record queues.
     *
     * @throws UncheckedIOException when the broker cannot be reached or refuses the work queue's declaration
     */
    public static RabbitRecordPublisher open(RabbitSettings settings) {
        try {
            return new RabbitRecordPublisher(new ConfirmedPublisher(settings,
                    settings.namePrefix() + "-sensor-" + UUID.randomUUID().toString().substring(0, 8)));
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
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        out.publish(new ConfirmedPublisher.Outgoing(RecordMessages.properties(record), RecordMessages.body(record), 1,
                "record " + record.id(), confirmed));
        return confirmed;
    }

    /** Records published but not yet confirmed (including those waiting for a recovered connection). */
    public int unconfirmed() {
        return out.unconfirmed();
    }

    /** Records published again after a lost connection or a nack, since the start. */
    public long republished() {
        return out.republished();
    }

    /** Messages published (repeats included), confirmed, nacked, published again, and unconfirmed now. */
    @Override
    public List<Measurement> measurements() {
        return List.of(
                Measurement.counter("meteo.rabbit.published", "record messages published to the work queue, repeats included",
                        out.published()),
                Measurement.counter("meteo.rabbit.confirms", "record messages the broker confirmed", out.confirms()),
                Measurement.counter("meteo.rabbit.nacks", "record messages the broker nacked (published again)", out.nacks()),
                Measurement.counter("meteo.rabbit.republished", "records published again after a lost connection or a nack",
                        out.republished()),
                Measurement.gauge("meteo.rabbit.unconfirmed", "records published and not yet confirmed", unconfirmed()));
    }

    /** The connection's name, as the broker lists it (client property {@code connection_name}). */
    public String connectionName() {
        return out.connectionName();
    }

    /**
     * Waits (bounded by the settings' close timeout) for outstanding confirms, then closes the connection; records
     * still unconfirmed then fail.
     */
    @Override
    public void close() {
        out.close();
    }

    @Override
    public String toString() {
        return "RabbitRecordPublisher[" + connectionName() + " -> " + out.workQueue() + "]";
    }
}
