package dev.meteo.terminal;

import dev.meteo.model.Accounting;
import dev.meteo.model.WindowResult;
import dev.meteo.store.WindowStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A sink that keeps every result in memory, in order: for tests, examples and small dashboards. Thread-safe. */
public final class RecordingSink implements TerminalSink {

    private final List<WindowResult> results = new ArrayList<>();

    @Override
    public synchronized void accept(WindowResult result) {
        results.add(result);
        notifyAll();
    }

    /** A copy of the results so far. */
    public synchronized List<WindowResult> results() {
        return List.copyOf(results);
    }

    public synchronized int size() {
        return results.size();
    }

    /** Waits (at most {@code timeout}) until this sink holds {@code windows} results; returns whether it does. */
    public synchronized boolean awaitSize(int windows, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (results.size() < windows) {
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMillis <= 0) {
                return false;
            }
            wait(remainingMillis);
        }
        return true;
    }

    private synchronized long recordsInWindows() {
        return results.stream().mapToLong(WindowResult::recordCount).sum();
    }

    private synchronized long lastEndMillis() {
        return results.isEmpty() ? Long.MIN_VALUE : results.get(results.size() - 1).end().toEpochMilli();
    }

    /**
     * The accounting of a run whose sensors stopped at {@code stoppedAtMillis} after sending {@code sent} records:
     * waits (at most {@code timeout}) until a window ending after that time arrived, so every window a record can be
     * in has closed, and the records in this sink's windows plus the store's late and rejected counts reach
     * {@code sent} (a broker may still be delivering records after the sensors stopped). Records still inside open
     * windows at the timeout are reported as {@link Accounting#stillOpen()}; records missing once the windows closed
     * are not: the identity then fails, as it must.
     */
    public Accounting awaitAccounted(long sent, long stoppedAtMillis, WindowStore store, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long inWindows = recordsInWindows();
            boolean closed = lastEndMillis() > stoppedAtMillis;
            long late = store.lateCount();
            long rejected = store.rejectedCount();
            long remainingNanos = deadline - System.nanoTime();
            if ((closed && inWindows + late + rejected >= sent) || remainingNanos <= 0) {
                return new Accounting(sent, inWindows, late, rejected,
                        closed ? 0 : Math.max(0, sent - inWindows - late - rejected));
            }
            synchronized (this) {
                // a new window wakes this at once; late/rejected records only change in the store, so look again soon
                wait(Math.max(1, Math.min(100, remainingNanos / 1_000_000)));
            }
        }
    }
}
