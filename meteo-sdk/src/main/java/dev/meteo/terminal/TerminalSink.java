package dev.meteo.terminal;

import dev.meteo.model.WindowResult;

/**
 * Port: where a terminal puts the window results it receives (a dashboard, a file, an alert). A {@link Terminal}
 * calls {@link #accept} once per window, in window order, from one thread at a time; an exception thrown by one sink
 * is logged and does not stop the others.
 */
@FunctionalInterface
public interface TerminalSink extends AutoCloseable {

    void accept(WindowResult result);

    @Override
    default void close() {
    }
}
