package dev.meteo.window;

import dev.meteo.model.WindowResult;

/**
 * Port: how the proxy sends a window result to every terminal. {@link #publish} returns once the transport's
 * guarantee is met (direct: every live terminal was called, each with a deadline; indirect: the broker confirmed the
 * message) and throws when the result could not be handed over at all, in which case the aggregator publishes it
 * again later. Called from one thread at a time.
 */
public interface WindowResultPublisher extends AutoCloseable {

    void publish(WindowResult result) throws Exception;

    @Override
    default void close() {
    }
}
