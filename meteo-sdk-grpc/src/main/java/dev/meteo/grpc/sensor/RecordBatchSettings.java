package dev.meteo.grpc.sensor;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link GrpcBatchPublisher} groups records into calls.
 *
 * @param maxRecords         records in one call at most
 * @param linger             how long a record waits for others before a call leaves with whatever is there; bounds
 *                           the latency batching adds, and the calls per second at a low rate (about one per linger)
 * @param maxBatchesInFlight calls sent (or waiting to be retried) and not yet answered at most: the flow control. When
 *                           they are all out, records wait and the next call leaves as soon as one is answered, so
 *                           batches grow with the load
 */
public record RecordBatchSettings(int maxRecords, Duration linger, int maxBatchesInFlight) {

    public static final int DEFAULT_MAX_RECORDS = 500;
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(5);
    public static final int DEFAULT_MAX_BATCHES_IN_FLIGHT = 8;

    public RecordBatchSettings {
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
    }

    /** {@value #DEFAULT_MAX_RECORDS} records per call, a 5 ms linger, {@value #DEFAULT_MAX_BATCHES_IN_FLIGHT} calls in flight. */
    public static RecordBatchSettings defaults() {
        return new RecordBatchSettings(DEFAULT_MAX_RECORDS, DEFAULT_LINGER, DEFAULT_MAX_BATCHES_IN_FLIGHT);
    }

    public RecordBatchSettings withMaxRecords(int newMaxRecords) {
        return new RecordBatchSettings(newMaxRecords, linger, maxBatchesInFlight);
    }

    public RecordBatchSettings withLinger(Duration newLinger) {
        return new RecordBatchSettings(maxRecords, newLinger, maxBatchesInFlight);
    }

    public RecordBatchSettings withMaxBatchesInFlight(int newMax) {
        return new RecordBatchSettings(maxRecords, linger, newMax);
    }
}
