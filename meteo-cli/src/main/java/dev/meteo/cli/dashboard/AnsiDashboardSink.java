package dev.meteo.cli.dashboard;

import dev.meteo.model.WindowResult;
import dev.meteo.terminal.TerminalSink;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The live dashboard of a terminal: full screen on the alternate screen of a real terminal, redrawn in place at every
 * window, status change and resize; or, when the output is not a terminal (a pipe, a file, CI), one plain line per
 * window. {@link #close()} restores the screen; call it from a shutdown hook so Ctrl-C restores it too (this class
 * leaves SIGINT to the JVM, which runs the hooks). Thread-safe.
 */
public final class AnsiDashboardSink implements TerminalSink {

    private static final Logger LOG = Logger.getLogger(AnsiDashboardSink.class.getName());

    /** JLine's switch (read once, when its attributed strings are first used): box characters as UTF-8. */
    public static final String DISABLE_ALTERNATE_CHARSET = "org.jline.utils.disableAlternateCharset";

    static {
        // JLine would send ─ │ ┤ ┼ through the terminal's alternate character set, beside ╭ ╮ ╰ ╯ in UTF-8: two fonts in
        // one chart, and garbage where the set is not switched. Every terminal this runs in speaks UTF-8.
        System.setProperty(DISABLE_ALTERNATE_CHARSET, "true");
    }

    private final Terminal terminal;
    private final boolean ownsTerminal;
    private final Display display;
    private final Attributes savedAttributes;
    private final Terminal.SignalHandler previousWinch;
    private final PrintWriter plain;
    private DashboardState state;
    private boolean closed;

    private AnsiDashboardSink(Terminal terminal, boolean ownsTerminal, PrintWriter plain, DashboardState state) {
        this.terminal = terminal;
        this.ownsTerminal = ownsTerminal;
        this.plain = plain;
        this.state = state;
        if (terminal == null) {
            display = null;
            savedAttributes = null;
            previousWinch = null;
            return;
        }
        savedAttributes = terminal.getAttributes();
        Attributes quiet = new Attributes(savedAttributes);
        // Keys typed while the dashboard shows would be echoed over it; ISIG stays on so Ctrl-C still interrupts.
        quiet.setLocalFlag(Attributes.LocalFlag.ECHO, false);
        quiet.setLocalFlag(Attributes.LocalFlag.ICANON, false);
        terminal.setAttributes(quiet);
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.keypad_xmit);
        terminal.puts(Capability.cursor_invisible);
        terminal.puts(Capability.clear_screen);
        terminal.flush();
        display = new Display(terminal, true);
        previousWinch = terminal.handle(Terminal.Signal.WINCH, signal -> resized());
        redraw();
    }

    /**
     * The dashboard of terminal {@code terminalId} on this process's console: full screen when standard output is a
     * terminal, plain lines on {@code System.out} otherwise. Times are shown in the system's zone.
     *
     * @throws UncheckedIOException if the console cannot be opened
     */
    public static AnsiDashboardSink open(String terminalId, String mode) {
        DashboardState initial = DashboardState.initial(terminalId, mode, ZoneId.systemDefault());
        if (System.console() == null) {
            return plain(System.out, initial);
        }
        Terminal system;
        try {
            // No native signal handlers: JLine's default would reset SIGINT to the OS default and skip shutdown hooks.
            system = TerminalBuilder.builder().system(true).nativeSignals(false).dumb(true).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the console for the dashboard: " + e.getMessage(), e);
        }
        if (isDumb(system)) {
            closeQuietly(system);
            return plain(System.out, initial);
        }
        return new AnsiDashboardSink(system, true, null, initial);
    }

    /**
     * A full-screen dashboard on the given terminal (plain lines on its writer if it is a dumb terminal). The caller
     * keeps ownership of the terminal: {@link #close()} restores its screen but does not close it.
     */
    public static AnsiDashboardSink open(Terminal terminal, DashboardState initial) {
        Objects.requireNonNull(terminal, "terminal");
        if (isDumb(terminal)) {
            return new AnsiDashboardSink(null, false, terminal.writer(), initial);
        }
        return new AnsiDashboardSink(terminal, false, null, initial);
    }

    /** The plain-line form only: one line per window on {@code out}, status changes on their own line. */
    public static AnsiDashboardSink plain(PrintStream out, DashboardState initial) {
        return new AnsiDashboardSink(null, false,
                new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true), initial);
    }

    /** Whether this dashboard draws full screen (false: plain lines). */
    public boolean isFullScreen() {
        return terminal != null;
    }

    /** What the dashboard shows now. */
    public synchronized DashboardState state() {
        return state;
    }

    /** Sets the connection status line, e.g. {@code connected to proxy 127.0.0.1:7100}, {@code waiting for RabbitMQ...}. */
    public synchronized void setStatus(String status) {
        Objects.requireNonNull(status, "status");
        if (status.equals(state.status())) {
            return;
        }
        state = state.withStatus(status);
        if (plain != null && !closed) {
            plain.println("terminal " + state.terminalId() + ": " + status);
            plain.flush();
        }
        redraw();
    }

    /** Sets the line about the whole deployment (the demo's processes, records/s, window lag); empty for none. */
    public synchronized void setStrip(String strip) {
        Objects.requireNonNull(strip, "strip");
        if (strip.equals(state.strip())) {
            return;
        }
        state = state.withStrip(strip);
        redraw();
    }

    /** Sets the count of records rejected as invalid (the terminal learns it from the caller, not from windows). */
    public synchronized void setRejected(long rejected) {
        if (rejected == state.rejected()) {
            return;
        }
        state = state.withRejected(rejected);
        redraw();
    }

    @Override
    public synchronized void accept(WindowResult result) {
        state = state.withWindow(result);
        if (plain != null && !closed) {
            String line = DashboardView.line(result, state.zone());
            plain.println(state.rejected() < 0 ? line : line + " rejected=" + state.rejected());
            plain.flush();
        }
        redraw();
    }

    /** Leaves the alternate screen and restores the cursor and the terminal's modes. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (terminal == null) {
            plain.flush();
            return;
        }
        try {
            terminal.handle(Terminal.Signal.WINCH, previousWinch);
            terminal.puts(Capability.cursor_visible);
            terminal.puts(Capability.keypad_local);
            terminal.puts(Capability.exit_ca_mode);
            terminal.flush();
            terminal.setAttributes(savedAttributes);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "restoring the terminal after the dashboard failed", e);
        }
        if (ownsTerminal) {
            closeQuietly(terminal);
        }
    }

    private synchronized void resized() {
        if (display != null && !closed) {
            display.clear();
            redraw();
        }
    }

    private void redraw() {
        if (display == null || closed) {
            return;
        }
        try {
            Size size = terminal.getSize();
            int rows = Math.max(1, size.getRows());
            int columns = Math.max(1, size.getColumns());
            display.resize(rows, columns);
            display.update(DashboardView.render(state, columns, rows), 0);
            terminal.flush();
        } catch (RuntimeException e) {
            // A failed redraw (terminal gone) must not stop the terminal's other sinks; the next one retries.
            LOG.log(Level.FINE, "dashboard redraw failed", e);
        }
    }

    private static boolean isDumb(Terminal terminal) {
        String type = terminal.getType();
        return type == null || type.startsWith(Terminal.TYPE_DUMB);
    }

    private static void closeQuietly(Terminal terminal) {
        try {
            terminal.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "closing the console failed", e);
        }
    }

    @Override
    public String toString() {
        return "AnsiDashboardSink[" + (isFullScreen() ? "full screen" : "plain lines") + "]";
    }
}
