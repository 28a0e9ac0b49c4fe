package dev.meteo.rabbit.sensor;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link RabbitBatchPublisher} groups a fleet's records into messages; the same bounds as direct mode's
 * batched calls.
 *
 * @param maxRecords         records in one message at most
 * @param linger             how long a record waits for others before a message leaves with whatever is there; bounds
 *                           the latency batching adds, and the messages per second at a low rate (about one per linger)
 * @param maxBatchesInFlight messages published and not yet confirmed at most (those waiting for a recovered connection
 *                           included): the flow control. When they are all out, records wait and the next message
 *                           leaves as soon as one is confirmed, so batches grow with the load and the broker's
 *                           messages per second do not
 * @param maxBuffered        records accepted and not yet confirmed at most (waiting, in flight, or waiting for a
 *                           recovered connection); beyond, {@code publish} fails at once and the record is not sent
 */
public record RabbitBatchSettings(int maxRecords, Duration linger, int maxBatchesInFlight, int maxBuffered) {

    public static final int DEFAULT_MAX_RECORDS = 500;
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(5);
    public static final int DEFAULT_MAX_BATCHES_IN_FLIGHT = 8;
    /** About 10 s of 30,000 sensors at 1 Hz while the broker is away, some 40 MB at most. */
    public static final int DEFAULT_MAX_BUFFERED = 1 << 18;

    public RabbitBatchSettings {
        Objects.requireNonNull(linger, "linger");
        if (maxRecords < 1) {
            throw new IllegalArgumentException("maxRecords must be at least 1: " + maxRecords);
        }
        if (linger.isNegative()) {
            throw new IllegalArgumentException("linger must not be negative: " + linger);
        }
        if (maxBatchesInFlight < 1) {
            throw new IllegalArgumentException("maxBatchesInFlight must be at least 1: " + maxBatchesInFlight);
        }
        if (maxBuffered < maxRecords) {
            throw new IllegalArgumentException("maxBuffered (" + maxBuffered + ") must hold at least one batch ("
                    + maxRecords + ")");
        }
    }

    /**
     * {@value #DEFAULT_MAX_RECORDS} records per message, a 5 ms linger, {@value #DEFAULT_MAX_BATCHES_IN_FLIGHT}
     * messages unconfirmed, {@value #DEFAULT_MAX_BUFFERED} records buffered.
     */
    public static RabbitBatchSettings defaults() {
        return new RabbitBatchSettings(DEFAULT_MAX_RECORDS, DEFAULT_LINGER, DEFAULT_MAX_BATCHES_IN_FLIGHT,
                DEFAULT_MAX_BUFFERED);
    }

    public RabbitBatchSettings withMaxRecords(int newMaxRecords) {
        return new RabbitBatchSettings(newMaxRecords, linger, maxBatchesInFlight, maxBuffered);
    }

    public RabbitBatchSettings withLinger(Duration newLinger) {
        return new RabbitBatchSettings(maxRecords, newLinger, maxBatchesInFlight, maxBuffered);
    }

    public RabbitBatchSettings withMaxBatchesInFlight(int newMax) {
        return new RabbitBatchSettings(maxRecords, linger, newMax, maxBuffered);
    }

    public RabbitBatchSettings withMaxBuffered(int newMax) {
        return new RabbitBatchSettings(maxRecords, linger, maxBatchesInFlight, newMax);
    }
}
