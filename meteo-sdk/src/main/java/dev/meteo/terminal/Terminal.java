package dev.meteo.terminal;

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
 * ({@link #lastEndMillis()}) so that a direct-mode proxy sends it the windows it missed. Thread-safe.
 */
public final class Terminal implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Terminal.class.getName());

    private final String id;
    private final List<TerminalSink> sinks = new CopyOnWriteArrayList<>();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong ignored = new AtomicLong();
    private long lastEndMillis = Long.MIN_VALUE;

    public Terminal(String id, List<? extends TerminalSink> sinks) {
        this.id = Objects.requireNonNull(id, "id");
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

    /** Delivers a result to the sinks unless it is not newer than the last one; returns whether it was new. */
    public synchronized boolean deliver(WindowResult result) {
        long end = result.end().toEpochMilli();
        if (end <= lastEndMillis) {
            ignored.incrementAndGet();
            return false;
        }
        lastEndMillis = end;
        received.incrementAndGet();
        for (TerminalSink sink : sinks) {
            try {
                sink.accept(result);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "terminal " + id + ": sink " + sink + " failed", e);
            }
        }
        return true;
    }

    /** Windows delivered to the sinks. */
    public long windowsReceived() {
        return received.get();
    }

    /** Repeated or stale results dropped. */
    public long windowsIgnored() {
        return ignored.get();
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
