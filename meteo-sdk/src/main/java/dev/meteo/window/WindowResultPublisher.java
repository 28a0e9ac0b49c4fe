package dev.meteo.window;

import dev.meteo.model.WindowResult;

import java.util.concurrent.CompletableFuture;

/**
 * Port: how the proxy sends a window result to every terminal. {@link #publish} returns once the transport's
 * guarantee is met (direct: every live terminal was called, each with a deadline; indirect: the broker confirmed the
 * message) and throws an unchecked exception when the result could not be handed over at all, in which case the
 * aggregator publishes it again later (terminals drop repeats). Called from one thread at a time.
 */
public interface WindowResultPublisher extends AutoCloseable {

    /** @throws InterruptedException when the caller is interrupted while waiting for the transport (closing) */
    void publish(WindowResult result) throws InterruptedException;

    /**
     * Hands a window over without waiting for the transport's guarantee, so that the aggregator can overlap the waits
     * of several windows (a catch-up); the future completes when {@link #publish} would have returned, or fails when
     * it would have thrown, within the transport's own bound. The aggregator sends windows in order and marks each
     * published once its future and every earlier one completed. May throw as {@link #publish} does (then nothing
     * was handed over). By default the same as {@link #publish}: the future is complete when it returns.
     *
     * @throws InterruptedException when the caller is interrupted while waiting for the transport (closing)
     */
    default CompletableFuture<Void> publishAsync(WindowResult result) throws InterruptedException {
        publish(result);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    default void close() {
    }
}
