package dev.meteo.cli.dashboard;

import dev.meteo.cli.io.WindowResultJson;
import dev.meteo.model.WindowResult;
import dev.meteo.terminal.Terminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonlFileSinkTest {

    @TempDir
    Path tmp;

    @Test
    void writesOneParseableLinePerWindowIntoACreatedDirectory() throws Exception {
        Path dataDir = tmp.resolve("data/nested");
        List<WindowResult> windows = List.of(Windows.window(0, 0.5, 0.6, 0), Windows.empty(1, 1),
                Windows.window(2, 0.7, 0.2, 3));

        try (JsonlFileSink sink = new JsonlFileSink(dataDir, "t1")) {
            assertEquals(dataDir.resolve("terminal-t1.jsonl"), sink.path());
            windows.forEach(sink::accept);
            // Flushed per line: readable while the sink is still open.
            List<String> lines = Files.readAllLines(sink.path(), StandardCharsets.UTF_8);
            assertEquals(3, lines.size());
            for (int i = 0; i < lines.size(); i++) {
                assertEquals(windows.get(i), WindowResultJson.fromJson(lines.get(i)));
            }
        }
    }

    @Test
    void reopeningTheSameTerminalFileAppends() {
        try (JsonlFileSink sink = new JsonlFileSink(tmp, "t2")) {
            sink.accept(Windows.window(0, 0.5, 0.6, 0));
        }
        try (JsonlFileSink sink = new JsonlFileSink(tmp, "t2")) {
            sink.accept(Windows.window(1, 0.4, 0.3, 1));
        }

        assertEquals(List.of(Windows.window(0, 0.5, 0.6, 0), Windows.window(1, 0.4, 0.3, 1)),
                JsonlFileSink.read(tmp.resolve("terminal-t2.jsonl")));
    }

    @Test
    void readingSkipsALastLineCutShortByACrash() throws Exception {
        Path file = JsonlFileSink.file(tmp, "t3");
        Files.writeString(file, WindowResultJson.toJson(Windows.window(0, 0.5, 0.6, 0)) + "\n{\"start\":17092872",
                StandardCharsets.UTF_8);

        assertEquals(List.of(Windows.window(0, 0.5, 0.6, 0)), JsonlFileSink.read(file));
    }

    @Test
    void aTerminalRestartedOnItsFileDoesNotKeepARedeliveredWindowTwice() {
        try (Terminal before = new Terminal("t4", List.of(new JsonlFileSink(tmp, "t4")))) {
            before.deliver(Windows.window(0, 0.5, 0.6, 0));
            before.deliver(Windows.window(1, 0.4, 0.3, 1));
        }
        // killed after the file had window 1 but before the ack: the broker (or the proxy) sends window 1 again
        try (Terminal restarted = new Terminal("t4", List.of(new JsonlFileSink(tmp, "t4")))) {
            assertEquals(Windows.window(1, 0, 0, 0).end().toEpochMilli(), restarted.lastEndMillis());
            assertFalse(restarted.deliver(Windows.window(1, 0.4, 0.3, 1)), "the redelivered window was kept again");
            assertFalse(restarted.deliver(Windows.window(0, 0.5, 0.6, 0)), "the file went backwards");
            assertTrue(restarted.deliver(Windows.window(2, 0.1, 0.1, 1)));
        }
        assertEquals(List.of(Windows.window(0, 0.5, 0.6, 0), Windows.window(1, 0.4, 0.3, 1), Windows.window(2, 0.1, 0.1, 1)),
                JsonlFileSink.read(tmp.resolve("terminal-t4.jsonl")));
    }

    @Test
    void aLineCutShortByACrashIsRemovedSoTheNextWindowStartsALineOfItsOwn() throws Exception {
        Path file = JsonlFileSink.file(tmp, "t5");
        Files.writeString(file, WindowResultJson.toJson(Windows.window(0, 0.5, 0.6, 0)) + "\n{\"start\":17092872",
                StandardCharsets.UTF_8);
        try (JsonlFileSink sink = new JsonlFileSink(tmp, "t5")) {
            sink.accept(Windows.window(1, 0.4, 0.3, 1));
        }
        assertEquals(List.of(Windows.window(0, 0.5, 0.6, 0), Windows.window(1, 0.4, 0.3, 1)), JsonlFileSink.read(file));
        assertEquals(2, Files.readAllLines(file).size());
    }

    @Test
    void terminalIdThatCannotNameAFileIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new JsonlFileSink(tmp, "../escape"));
        assertTrue(e.getMessage().contains("../escape"), e.getMessage());
    }
}
