package dev.meteo.terminal;

import dev.meteo.model.WindowResult;

import java.util.ArrayList;
import java.util.List;

/** A sink that keeps every result in memory, in order: for tests, examples and small dashboards. Thread-safe. */
public final class RecordingSink implements TerminalSink {

    private final List<WindowResult> results = new ArrayList<>();

    @Override
    public synchronized void accept(WindowResult result) {
        results.add(result);
    }

    /** A copy of the results so far. */
    public synchronized List<WindowResult> results() {
        return List.copyOf(results);
    }

    public synchronized int size() {
        return results.size();
    }
}
