package dev.meteo.compute;

import dev.meteo.formula.ProcessingDelay;
import dev.meteo.model.RecordValidator;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one {@link ComputeNode}.
 *
 * @param id            node id, for logs and statistics
 * @param delay         simulated processing time per record, waited without holding a thread
 * @param maxBatch      coefficients written to the store in one pipelined round trip at most
 * @param maxFutureSkew how far in the future a detection timestamp may be before the record is rejected
 */
public record ComputeSettings(String id, ProcessingDelay delay, int maxBatch, Duration maxFutureSkew) {

    public static final int DEFAULT_MAX_BATCH = 256;

    public ComputeSettings {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(maxFutureSkew, "maxFutureSkew");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1: " + maxBatch);
        }
    }

    public static ComputeSettings of(String id) {
        return new ComputeSettings(id, ProcessingDelay.NONE, DEFAULT_MAX_BATCH, RecordValidator.DEFAULT_MAX_FUTURE_SKEW);
    }

    public ComputeSettings withDelay(ProcessingDelay newDelay) {
        return new ComputeSettings(id, newDelay, maxBatch, maxFutureSkew);
    }

    public ComputeSettings withMaxBatch(int newMaxBatch) {
        return new ComputeSettings(id, delay, newMaxBatch, maxFutureSkew);
    }

    public ComputeSettings withMaxFutureSkew(Duration newMaxFutureSkew) {
        return new ComputeSettings(id, delay, maxBatch, newMaxFutureSkew);
    }
}
