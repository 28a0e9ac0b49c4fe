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

    /**
     * The end (epoch ms) of the last window this sink kept durably before this process started (a file's last line),
     * or {@code Long.MIN_VALUE} when it keeps nothing across restarts. A {@link Terminal} starts from the latest of
     * its sinks', so that a window redelivered after a restart is not kept twice.
     */
    default long lastWindowEndMillis() {
        return Long.MIN_VALUE;
    }

    @Override
    default void close() {
    }
}
