package dev.meteo.process;

import dev.meteo.cli.dashboard.JsonlTail;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.model.WindowResult;
import dev.meteo.nemesis.RunSample;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

    /**
     * A window (its end, epoch ms), when it was first seen in the file (epoch ms, this machine's clock) and the records
     * in it.
     */
    public record Arrival(long windowEndMillis, long seenAtMillis, long records) {
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
                arrivals.add(new Arrival(window.end().toEpochMilli(), now, window.recordCount()));
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

    /**
     * The deployment's health at {@code now} as this file shows it: the records per second in the windows that reached
     * it over the last {@code span}, and the window lag, how long ago the window after the newest one became due (its
     * end plus {@code grace}): zero or less while windows arrive on time. Before any window arrived, the lag counts from
     * {@code since}, when the run started.
     */
    public RunSample sample(Instant now, Duration span, Duration window, Duration grace, Instant since) {
        long from = now.toEpochMilli() - span.toMillis();
        long records = 0;
        long newestEnd = Long.MIN_VALUE;
        for (Arrival arrival : arrivals) {
            if (arrival.seenAtMillis() > from && arrival.seenAtMillis() <= now.toEpochMilli()) {
                records += arrival.records();
            }
            newestEnd = Math.max(newestEnd, arrival.windowEndMillis());
        }
        long nextDue = newestEnd == Long.MIN_VALUE ? since.toEpochMilli() + window.toMillis() + grace.toMillis()
                : newestEnd + window.toMillis() + grace.toMillis();
        return new RunSample(now, records * 1000.0 / span.toMillis(), Duration.ofMillis(now.toEpochMilli() - nextDue));
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
