package dev.meteo.cli.dashboard;

import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnsiDashboardSinkTest {

    private static final DashboardState INITIAL = DashboardState.initial("t1", "grpc", ZoneOffset.UTC);

    /** Input that stays open and silent: a terminal whose input ends closes itself, mid-test. */
    private final PipedInputStream keyboard = new PipedInputStream();
    private final PipedOutputStream keys = connect(keyboard);

    @AfterEach
    void releaseKeyboard() throws IOException {
        keys.close();
    }

    private static PipedOutputStream connect(PipedInputStream input) {
        try {
            return new PipedOutputStream(input);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void withoutAConsoleItFallsBackToOnePlainLinePerWindow() {
        // Surefire's forked JVM has no console, like a demo piped into a file.
        try (AnsiDashboardSink sink = AnsiDashboardSink.open("t1", "grpc")) {
            assertFalse(sink.isFullScreen());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (AnsiDashboardSink sink = AnsiDashboardSink.plain(new PrintStream(out, true, StandardCharsets.UTF_8),
                INITIAL)) {
            sink.setStatus("waiting for RabbitMQ...");
            sink.accept(Windows.window(0, 0.5, 0.25, 0));
            sink.setRejected(4);
            sink.accept(Windows.empty(1, 1));
        }

        assertEquals("terminal t1: waiting for RabbitMQ...\n"
                        + "window 10:00:00-10:00:05 | wellness count=10 mean=0.500 stddev=0.013 min=0.450 max=0.550"
                        + " | pollution count=7 mean=0.250 stddev=0.250 min=-0.250 max=0.750 | late=0\n"
                        + "window 10:00:05-10:00:10 | wellness count=0 | pollution count=0 | late=1 rejected=4\n",
                out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void dumbTerminalGetsPlainLines() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Terminal dumb = new DumbTerminal("test", Terminal.TYPE_DUMB, keyboard, out,
                StandardCharsets.UTF_8);
             AnsiDashboardSink sink = AnsiDashboardSink.open(dumb, INITIAL)) {
            assertFalse(sink.isFullScreen());
            sink.accept(Windows.window(0, 0.5, 0.25, 2));
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("window 10:00:00-10:00:05 | wellness count=10 mean=0.500"), "[" + text + "]");
        assertFalse(text.contains("\u001b["), text);
    }

    @Test
    void fullScreenUsesTheAlternateScreenAndRestoresItOnClose() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // An in-memory terminal: what the dashboard writes is in `out` as soon as the call returns.
        try (Terminal xterm = new ExternalTerminal("test", "xterm-256color", keyboard, out, StandardCharsets.UTF_8)) {
            xterm.setSize(new Size(100, 30));
            AnsiDashboardSink sink = AnsiDashboardSink.open(xterm, INITIAL);
            assertTrue(sink.isFullScreen());
            sink.setStatus("connected to proxy 127.0.0.1:7100");
            sink.accept(Windows.window(0, 0.5, 0.25, 0));
            String drawn = out.toString(StandardCharsets.UTF_8);
            assertTrue(drawn.contains("\u001b[?1049h"), "enters the alternate screen");
            assertTrue(drawn.contains("connected to proxy 127.0.0.1:7100"), drawn);
            assertTrue(drawn.contains("10:00:00-10:00:05"), drawn);
            assertTrue(drawn.contains("0.500"), drawn);
            assertFalse(drawn.contains("\uffff"), drawn);
            assertFalse(drawn.contains("\u001b[?1049l"), "still on the alternate screen");
            assertEquals(1, sink.state().windowsReceived());

            sink.close();
            sink.close();
            String restored = out.toString(StandardCharsets.UTF_8).substring(drawn.length());
            assertEquals(1, restored.split("\u001b\\[\\?1049l", -1).length - 1, "leaves it exactly once");
            assertTrue(restored.matches("(?s).*\u001b\\[\\?[0-9;]*25h.*"),
                    "shows the cursor again: " + restored.replace("\u001b", "ESC"));
            sink.accept(Windows.window(1, 0.5, 0.25, 0));
            assertEquals(restored.length(), out.toString(StandardCharsets.UTF_8).substring(drawn.length()).length(),
                    "draws nothing once closed");
        }
    }
}
