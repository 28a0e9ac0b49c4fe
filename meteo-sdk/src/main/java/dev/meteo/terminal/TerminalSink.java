package dev.meteo.terminal;

import dev.meteo.model.WindowResult;

/**
 * Port: where a terminal puts the window results it receives (a dashboard, a file, an alert). A {@link Terminal}
 * calls {@link #accept} once per window, in window order, from one thread at a time. An exception thrown by a
 * {@linkplain #durable() durable} sink means the window is not kept: the terminal does not take it and the transport
 * gets it again; one thrown by any other sink is logged and does not stop the others.
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

    /**
     * Whether this sink is the terminal's record of its windows (a file): when it cannot take a window, the terminal
     * stops at that window rather than go on with a gap, and its {@link #accept} is called again with the same window
     * (it must keep it once: a window it already holds is no failure and is not kept twice). Dashboards and alerts are
     * not durable: the default.
     */
    default boolean durable() {
        return false;
    }

    @Override
    default void close() {
    }
}
