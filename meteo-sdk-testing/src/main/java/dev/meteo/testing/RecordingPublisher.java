package dev.meteo.testing;

import dev.meteo.model.WindowResult;
import dev.meteo.window.WindowResultPublisher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A window result publisher for tests: keeps what it was given, in order, and can be told to fail the next publishes. */
public final class RecordingPublisher implements WindowResultPublisher {

    private final List<WindowResult> results = new ArrayList<>();
    private final AtomicInteger failuresToInject = new AtomicInteger();

    /** The next {@code count} publishes throw, as a broker that is down would. */
    public void failNext(int count) {
        failuresToInject.set(count);
    }

    @Override
    public synchronized void publish(WindowResult result) {
        if (failuresToInject.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new UncheckedIOException(new IOException("injected publish failure"));
        }
        results.add(result);
    }

    public synchronized List<WindowResult> results() {
        return List.copyOf(results);
    }
}
