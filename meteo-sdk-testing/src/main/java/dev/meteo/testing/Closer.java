package dev.meteo.testing;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a test started, closed newest first when the test ends (servers before the store they write to). A part that
 * fails to close does not keep the others open: a drill leaves killed processes and cut connections behind, whose
 * close may throw, and the next test needs its ports and keys back.
 */
public final class Closer implements AutoCloseable {

    private final Deque<AutoCloseable> parts = new ArrayDeque<>();

    /** Closes {@code part} with the others when this closes; returns it, so a start reads as one expression. */
    public synchronized <T extends AutoCloseable> T add(T part) {
        parts.push(part);
        return part;
    }

    @Override
    public void close() {
        AutoCloseable part;
        while ((part = next()) != null) {
            try {
                part.close();
            } catch (Exception e) {
                System.err.println("closing " + part + " after the test: " + e); // keep closing the rest
            }
        }
    }

    private synchronized AutoCloseable next() {
        return parts.poll();
    }
}
