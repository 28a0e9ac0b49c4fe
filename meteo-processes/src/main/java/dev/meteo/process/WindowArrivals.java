package dev.meteo.process;

import dev.meteo.cli.dashboard.JsonlTail;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.model.WindowResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * When each window reached a terminal's file, seen by polling it every {@link #POLL_MILLIS} ms (the resolution of
 * the times it gives): what the demo measures a proxy's takeover by.
 */
public final class WindowArrivals implements AutoCloseable {

    static final long POLL_MILLIS = 100;

    /** A window (its end, epoch ms) and when it was first seen in the file (epoch ms, this machine's clock). */
    public record Arrival(long windowEndMillis, long seenAtMillis) {
    }

    private final JsonlTail tail;
    private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            new DaemonThreadFactory("demo-window-arrivals"));

    private WindowArrivals(Path jsonl) {
        this.tail = new JsonlTail(jsonl);
    }

    /** Starts following {@code jsonl}. */
    public static WindowArrivals follow(Path jsonl) {
        WindowArrivals arrivals = new WindowArrivals(jsonl);
        arrivals.thread.scheduleWithFixedDelay(arrivals::poll, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
        return arrivals;
    }

    private void poll() {
        try {
            long now = System.currentTimeMillis();
            for (WindowResult window : tail.poll(unreadable -> { })) {
                arrivals.add(new Arrival(window.end().toEpochMilli(), now));
            }
        } catch (IOException | RuntimeException e) {
            // read again at the next poll
        }
    }

    /**
     * How long after {@code atMillis} the first window that was not yet due then (its end plus {@code graceMillis}
     * after {@code atMillis}: no proxy could have closed it before) reached the file; empty when none has yet. After
     * the active proxy is killed at {@code atMillis}, this is the time until the next window at this terminal.
     */
    public OptionalLong firstWindowDueAfter(long atMillis, long graceMillis) {
        return arrivals.stream().filter(a -> a.windowEndMillis() + graceMillis > atMillis && a.seenAtMillis() >= atMillis)
                .mapToLong(a -> a.seenAtMillis() - atMillis).findFirst();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
