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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * When each window first reached any of the terminals' files, seen by polling them every {@link #POLL_MILLIS} ms (the
 * resolution of the times it gives): what the demo measures a proxy's takeover and the deployment's health by. A window
 * counts once, at the earliest terminal, so a terminal paused, killed or unable to write does not stall the others'.
 */
public final class WindowArrivals implements AutoCloseable {

    static final long POLL_MILLIS = 100;

    /**
     * A window (its end, epoch ms), when it was first seen in any of the files (epoch ms, this machine's clock) and the
     * records in it.
     */
    public record Arrival(long windowEndMillis, long seenAtMillis, long records) {
    }

    private final List<JsonlTail> tails;
    private final List<Arrival> arrivals = new CopyOnWriteArrayList<>(); // in the order seen
    private final Set<Long> seenWindowEnds = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            new DaemonThreadFactory("demo-window-arrivals"));

    /** Follows nothing until {@link #poll} is called: {@link #follow} starts the polling. */
    WindowArrivals(List<Path> jsonls) {
        if (jsonls.isEmpty()) {
            throw new IllegalArgumentException("no terminal's file to follow");
        }
        this.tails = jsonls.stream().map(JsonlTail::new).toList();
    }

    /** Starts following {@code jsonl}, one terminal's file. */
    public static WindowArrivals follow(Path jsonl) {
        return follow(List.of(jsonl));
    }

    /** Starts following {@code jsonls}, the terminals' files, each window counted when it first reaches one. */
    public static WindowArrivals follow(List<Path> jsonls) {
        WindowArrivals arrivals = new WindowArrivals(jsonls);
        arrivals.thread.scheduleWithFixedDelay(() -> arrivals.poll(System.currentTimeMillis()), 0, POLL_MILLIS,
                TimeUnit.MILLISECONDS);
        return arrivals;
    }

    /** Takes the windows added to the files since the last poll as seen at {@code nowMillis}. One thread at a time. */
    void poll(long nowMillis) {
        for (JsonlTail tail : tails) {
            try {
                for (WindowResult window : tail.poll(unreadable -> { })) {
                    // every terminal gets the same windows: only the first to show one tells when it arrived
                    if (seenWindowEnds.add(window.end().toEpochMilli())) {
                        arrivals.add(new Arrival(window.end().toEpochMilli(), nowMillis, window.recordCount()));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // read this file again at the next poll; the others go on
            }
        }
    }

    /** The windows seen so far, each once, in the order they first arrived. */
    List<Arrival> arrivals() {
        return List.copyOf(arrivals);
    }

    /**
     * How long after {@code atMillis} the first window that was not yet due then (its end plus {@code graceMillis}
     * after {@code atMillis}: no proxy could have closed it before) reached the file; empty when none has yet. After
     * the active proxy is killed at {@code atMillis}, this is the time until the next window at the first terminal
     * to get one.
     */
    public OptionalLong firstWindowDueAfter(long atMillis, long graceMillis) {
        return arrivals.stream().filter(a -> a.windowEndMillis() + graceMillis > atMillis && a.seenAtMillis() >= atMillis)
                .mapToLong(a -> a.seenAtMillis() - atMillis).findFirst();
    }

    /**
     * The deployment's health at {@code now} as the files show it: the records per second in the windows that first
     * reached one of them over the last {@code span}, and the window lag, how long ago the window after the newest one
     * became due (its end plus {@code grace}): zero or less while windows arrive on time. Before any window arrived,
     * the lag counts from {@code since}, when the run started.
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
