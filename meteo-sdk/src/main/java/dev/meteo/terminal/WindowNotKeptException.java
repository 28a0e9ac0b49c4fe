package dev.meteo.terminal;

/**
 * A {@linkplain TerminalSink#durable() durable} sink of a {@link Terminal} could not keep a window (its disk is full,
 * its file too large...): the terminal did not take the window and stays at the one before. A transport must get the
 * window again rather than acknowledge it: direct mode answers the proxy with an error, so that it sends the window
 * again; indirect mode keeps the message unacknowledged and delivers it again. The message names the window, the sink
 * and the cause.
 */
public final class WindowNotKeptException extends RuntimeException {
    public WindowNotKeptException(String message, Throwable cause) {
        super(message, cause);
    }
}
