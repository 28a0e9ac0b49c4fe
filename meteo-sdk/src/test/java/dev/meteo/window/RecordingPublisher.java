package dev.meteo.window;

import dev.meteo.model.WindowResult;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A result publisher for tests: keeps what it was given, in order, and can be told to fail the next publishes. */
final class RecordingPublisher implements WindowResultPublisher {

    private final List<WindowResult> results = new ArrayList<>();
    private final AtomicInteger failuresToInject = new AtomicInteger();

    /** The next {@code count} publishes throw, as a broker that is down would. */
    void failNext(int count) {
        failuresToInject.set(count);
    }

    @Override
    public synchronized void publish(WindowResult result) throws Exception {
        if (failuresToInject.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new java.io.IOException("injected publish failure");
        }
        results.add(result);
    }

    synchronized List<WindowResult> results() {
        return List.copyOf(results);
    }
}
