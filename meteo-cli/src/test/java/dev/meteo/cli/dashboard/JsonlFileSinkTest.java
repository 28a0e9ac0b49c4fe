package dev.meteo.cli.dashboard;

import dev.meteo.cli.io.WindowResultJson;
import dev.meteo.model.WindowResult;
import dev.meteo.terminal.Terminal;
import dev.meteo.terminal.WindowNotKeptException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

    @Test
    void theLastWindowIsReadFromTheEndOfTheFileWithoutReadingTheRest() throws Exception {
        Path file = JsonlFileSink.file(tmp, "t6");
        StringBuilder lines = new StringBuilder("this line is not a window: reading the whole file would fail on it\n");
        for (int i = 0; i < 20_000; i++) {
            lines.append(WindowResultJson.toJson(Windows.window(i, 0.5, 0.5, 0))).append('\n');
        }
        Files.writeString(file, lines, StandardCharsets.UTF_8);
        assertThrows(IllegalArgumentException.class, () -> JsonlFileSink.read(file));

        try (JsonlFileSink sink = new JsonlFileSink(tmp, "t6")) {
            assertEquals(Windows.window(19_999, 0, 0, 0).end().toEpochMilli(), sink.lastWindowEndMillis());
        }
    }

    @Test
    void anUnreadableLastLineIsSkippedAsReadingSkipsIt() throws Exception {
        Path file = JsonlFileSink.file(tmp, "t7");
        Files.writeString(file, WindowResultJson.toJson(Windows.window(3, 0.5, 0.6, 0)) + "\nnot a window\n",
                StandardCharsets.UTF_8);
        try (JsonlFileSink sink = new JsonlFileSink(tmp, "t7")) {
            assertEquals(Windows.window(3, 0, 0, 0).end().toEpochMilli(), sink.lastWindowEndMillis());
        }
        try (JsonlFileSink empty = new JsonlFileSink(tmp, "t8")) {
            assertEquals(Long.MIN_VALUE, empty.lastWindowEndMillis());
        }
    }

    @Test
    void aWindowTheFileAlreadyHoldsIsNotWrittenTwice() {
        try (JsonlFileSink sink = new JsonlFileSink(tmp, "t9")) {
            sink.accept(Windows.window(0, 0.5, 0.6, 0));
            sink.accept(Windows.window(0, 0.5, 0.6, 0));
            sink.accept(Windows.window(1, 0.5, 0.6, 0));
        }
        assertEquals(List.of(Windows.window(0, 0.5, 0.6, 0), Windows.window(1, 0.5, 0.6, 0)),
                JsonlFileSink.read(JsonlFileSink.file(tmp, "t9")));
    }

    /**
     * A real full disk: a 64 KiB tmpfs mounted for the test, filled up. The window that does not fit is refused, the
     * terminal stays at the window before and says why; the file keeps whole lines only; once there is room again the
     * same window is kept once and the terminal is healthy again.
     */
    @Test
    void aWindowThatDoesNotFitOnAFullDiskIsNotTakenAndIsKeptOnceWhenThereIsRoomAgain() throws Exception {
        Path disk = Files.createDirectory(tmp.resolve("small-disk"));
        assumeTrue(mount(disk), "needs to mount a tmpfs (root with CAP_SYS_ADMIN) for a real full disk");
        try {
            List<WindowResult> kept = new java.util.ArrayList<>();
            try (Terminal terminal = new Terminal("t10", List.of(new JsonlFileSink(disk, "t10")))) {
                Path filler = disk.resolve("filler");
                fill(filler);
                Path file = JsonlFileSink.file(disk, "t10");
                // the file's last page still has room for a few lines: the first window that needs a new page fails
                WindowNotKeptException refused = null;
                int failing = 0;
                while (refused == null && failing < 100) {
                    WindowResult window = Windows.window(failing, 0.5, 0.6, 0);
                    long before = Files.size(file);
                    try {
                        assertTrue(terminal.deliver(window));
                        kept.add(window);
                        failing++;
                    } catch (WindowNotKeptException e) {
                        refused = e;
                        assertEquals(before, Files.size(file), "a line cut short was left in the file");
                    }
                }
                assertTrue(refused != null, "100 windows fit on a full disk");
                assertTrue(refused.getMessage().contains("No space left on device"), refused.getMessage());
                assertEquals(failing == 0 ? Long.MIN_VALUE : kept.get(kept.size() - 1).end().toEpochMilli(),
                        terminal.lastEndMillis());
                assertTrue(terminal.problem().contains("cannot keep window"), terminal.problem());
                WindowResult window = Windows.window(failing, 0.5, 0.6, 0);
                assertThrows(WindowNotKeptException.class, () -> terminal.deliver(window));
                assertEquals(2, terminal.windowsNotKept());

                Files.delete(filler);
                assertTrue(terminal.deliver(window));
                kept.add(window);
                assertNull(terminal.problem());
                assertFalse(terminal.deliver(window), "a repeat was taken");
                WindowResult next = Windows.window(failing + 1, 0.1, 0.1, 1);
                assertTrue(terminal.deliver(next));
                kept.add(next);
            }
            assertEquals(kept, JsonlFileSink.read(JsonlFileSink.file(disk, "t10")));
        } finally {
            new ProcessBuilder("umount", disk.toString()).start().waitFor();
        }
    }

    private static boolean mount(Path dir) throws InterruptedException {
        try {
            Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir.toString())
                    .redirectErrorStream(true).start();
            mount.getInputStream().readAllBytes();
            return mount.waitFor() == 0;
        } catch (java.io.IOException e) {
            return false; // no mount command
        }
    }

    /** Writes to {@code filler} until the disk is full. */
    private static void fill(Path filler) {
        byte[] block = new byte[1024];
        try (java.io.OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (java.io.IOException full) {
            // No space left on device: full
        }
    }
}
