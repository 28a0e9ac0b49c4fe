package dev.meteo.sensor;

import dev.meteo.model.SensorRecord;

import java.util.concurrent.CompletableFuture;

/**
 * Port: how a {@link Sensor} hands a record to a transport. The future completes when the transport's delivery
 * guarantee is met (direct: the coefficient is stored; indirect: the broker confirmed the persistent message), and
 * completes exceptionally only when the transport gave up on the record. Implementations are thread-safe and must not
 * block the caller for longer than it takes to enqueue.
 */
public interface RecordPublisher extends AutoCloseable {

    CompletableFuture<Void> publish(SensorRecord record);

    /** Releases connections; records still in flight may fail. */
    @Override
    default void close() {
    }
}
