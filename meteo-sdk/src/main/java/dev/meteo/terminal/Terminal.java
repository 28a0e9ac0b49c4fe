package dev.meteo.terminal;

import dev.meteo.metrics.Measurement;
import dev.meteo.metrics.Measured;
import dev.meteo.internal.TroubleLog;
import dev.meteo.model.WindowResult;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A monitoring terminal, transport-free: transports hand it every window result they receive, it drops repeats
 * and stale results (a window not after the last one delivered: a re-published window after a proxy crash, a
 * redelivered message) and gives each new window to its sinks. It remembers the last window across restarts through
 * its durable sinks ({@link TerminalSink#lastWindowEndMillis()}), and tells transports where it stands
 * ({@link #lastEndMillis()}) so that a direct-mode proxy sends it the windows it missed. When a durable sink cannot keep
 * a window, the terminal does not take it ({@link WindowNotKeptException}) and says it is unhealthy ({@link #problem()})
 * until a window is kept again: its transport gets the window again, so that record has no gap and no window twice.
 * Thread-safe.
 */
public final class Terminal implements AutoCloseable, Measured {

    private static final Logger LOG = Logger.getLogger(Terminal.class.getName());

    private final String id;
    private final List<TerminalSink> sinks = new CopyOnWriteArrayList<>();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong ignored = new AtomicLong();
    private final AtomicLong notKept = new AtomicLong();
    private final TroubleLog trouble;
    private long lastEndMillis = Long.MIN_VALUE;
    private volatile String problem;

    public Terminal(String id, List<? extends TerminalSink> sinks) {
        this.id = Objects.requireNonNull(id, "id");
        this.trouble = new TroubleLog(reason -> LOG.warning(reason + " (not taken: it comes again)"),
                () -> LOG.info("terminal " + id + " keeps windows again"), TroubleLog.QUIET_PERIOD);
        this.sinks.addAll(sinks);
        for (TerminalSink sink : sinks) {
            lastEndMillis = Math.max(lastEndMillis, sink.lastWindowEndMillis());
        }
    }

    public String id() {
        return id;
    }

    public synchronized Terminal addSink(TerminalSink sink) {
        sinks.add(sink);
        lastEndMillis = Math.max(lastEndMillis, sink.lastWindowEndMillis());
        return this;
    }

    /** The end (epoch ms) of the last window delivered to the sinks, or {@code Long.MIN_VALUE} before the first. */
    public synchronized long lastEndMillis() {
        return lastEndMillis;
    }

    /**
     * Whether {@code result} would leave a gap: it starts after the end of the last window this terminal holds. A
     * transport that can fetch the missing windows (direct mode) asks for them first instead of delivering it.
     */
    public synchronized boolean wouldLeaveGap(WindowResult result) {
        return lastEndMillis != Long.MIN_VALUE && result.start().toEpochMilli() > lastEndMillis;
    }

    /**
     * Delivers a result to the sinks unless it is not newer than the last one; returns whether it was new. The durable
     * sinks take it first: when one fails, the terminal stays at the window before and throws.
     *
     * @throws WindowNotKeptException when a durable sink could not keep it: do not acknowledge it, deliver it again
     */
    public synchronized boolean deliver(WindowResult result) {
        long end = result.end().toEpochMilli();
        if (end <= lastEndMillis) {
            ignored.incrementAndGet();
            return false;
        }
        for (TerminalSink sink : sinks) {
            if (sink.durable()) {
                keep(sink, result);
            }
        }
        lastEndMillis = end;
        received.incrementAndGet();
        if (problem != null) {
            problem = null;
            trouble.recovered();
        }
        for (TerminalSink sink : sinks) {
            if (!sink.durable()) {
                try {
                    sink.accept(result);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "terminal " + id + ": sink " + sink + " failed", e);
                }
            }
        }
        return true;
    }

    private void keep(TerminalSink sink, WindowResult result) {
        try {
            sink.accept(result);
        } catch (RuntimeException e) {
            notKept.incrementAndGet();
            String reason = "terminal " + id + " cannot keep window [" + result.start() + ", " + result.end() + ") in "
                    + sink + ": " + e.getMessage();
            problem = reason;
            trouble.problem(reason);
            throw new WindowNotKeptException(reason, e);
        }
    }

    /**
     * Why this terminal is unhealthy: the last window a durable sink could not keep, and why; {@code null} while every
     * window is kept (again).
     */
    public String problem() {
        return problem;
    }

    /** Deliveries a durable sink failed (each is retried by the transport). */
    public long windowsNotKept() {
        return notKept.get();
    }

    /** Windows delivered to the sinks. */
    public long windowsReceived() {
        return received.get();
    }

    /** Repeated or stale results dropped. */
    public long windowsIgnored() {
        return ignored.get();
    }

    /**
     * Under the names every rendering uses: {@code meteo.terminal.windows.received}, {@code .ignored},
     * {@code .not.kept}, and {@code meteo.terminal.healthy}.
     */
    @Override
    public List<Measurement> measurements() {
        return List.of(
                Measurement.counter("meteo.terminal.windows.received", "windows delivered to this terminal's sinks",
                        windowsReceived()),
                Measurement.counter("meteo.terminal.windows.ignored", "repeated or stale windows dropped", windowsIgnored()),
                Measurement.counter("meteo.terminal.windows.not.kept",
                        "deliveries of a window its file could not keep (it comes again)", windowsNotKept()),
                Measurement.gauge("meteo.terminal.healthy",
                        "1 while the terminal keeps every window it receives, 0 while its file cannot be written",
                        problem() == null ? 1 : 0));
    }

    @Override
    public void close() {
        for (TerminalSink sink : sinks) {
            try {
                sink.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "terminal " + id + ": closing sink " + sink + " failed", e);
            }
        }
    }
}
