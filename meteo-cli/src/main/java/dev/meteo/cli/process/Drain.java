package dev.meteo.cli.process;

import dev.meteo.cli.dashboard.JsonlFileSink;
import dev.meteo.model.WindowResult;
import dev.meteo.store.WindowStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The end of a run of separate processes (demo, bench): once the sensors have stopped, wait until every record they
 * sent is accounted for in the windows the terminals wrote, as late or as rejected, and until every terminal has the
 * last window. The terminals' files are written by other processes, so this polls them: there is nothing to await on.
 */
public final class Drain {

    private static final long POLL_MILLIS = 200;

    private Drain() {
    }

    /** The windows in a terminal's JSON-lines file; none while the file does not exist. */
    public static List<WindowResult> windows(Path jsonl) {
        return Files.isRegularFile(jsonl) ? JsonlFileSink.read(jsonl) : List.of();
    }

    public static long recordsInWindows(Path jsonl) {
        return windows(jsonl).stream().mapToLong(WindowResult::recordCount).sum();
    }

    private static long lastEnd(Path jsonl) {
        List<WindowResult> windows = windows(jsonl);
        return windows.isEmpty() ? Long.MIN_VALUE : windows.get(windows.size() - 1).end().toEpochMilli();
    }

    /**
     * Waits until {@code reference} holds a window that ends after {@code stoppedAtMillis} (every window a sent record
     * can be in has closed) and {@code sent} records are in its windows, late or rejected; then until every terminal
     * file has the reference's last window. Returns false when {@code deadlineMillis} passed first.
     */
    public static boolean awaitAccounted(Path reference, List<Path> terminals, long stoppedAtMillis, long sent,
                                         WindowStore store, long deadlineMillis) throws InterruptedException {
        while (!(lastEnd(reference) > stoppedAtMillis
                && recordsInWindows(reference) + store.lateCount() + store.rejectedCount() >= sent)) {
            if (!pause(deadlineMillis)) {
                return false;
            }
        }
        long end = lastEnd(reference);
        for (Path terminal : terminals) {
            while (lastEnd(terminal) < end) {
                if (!pause(deadlineMillis)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean pause(long deadlineMillis) throws InterruptedException {
        if (System.currentTimeMillis() > deadlineMillis) {
            return false;
        }
        Thread.sleep(POLL_MILLIS);
        return true;
    }
}
