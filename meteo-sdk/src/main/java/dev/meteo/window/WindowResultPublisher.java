package dev.meteo.window;

import dev.meteo.model.WindowResult;

/**
 * Port: how the proxy sends a window result to every terminal. {@link #publish} returns once the transport's
 * guarantee is met (direct: every live terminal was called, each with a deadline; indirect: the broker confirmed the
 * message) and throws an unchecked exception when the result could not be handed over at all, in which case the
 * aggregator publishes it again later (terminals drop repeats). Called from one thread at a time.
 */
public interface WindowResultPublisher extends AutoCloseable {

    /** @throws InterruptedException when the caller is interrupted while waiting for the transport (closing) */
    void publish(WindowResult result) throws InterruptedException;

    @Override
    default void close() {
    }
}
