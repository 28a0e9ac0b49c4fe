package dev.meteo.cli.dashboard;

import dev.meteo.model.WindowResult;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a dashboard shows, as an immutable value: who the terminal is, the connection status set by its transport, the
 * counters, and the last windows received (oldest first, at most {@code capacity}). Each change returns a new state,
 * so {@link DashboardView#render} is a pure function of it.
 *
 * @param terminalId      the terminal's id, shown in the title
 * @param mode            the delivery mode shown in the title ({@code grpc}, {@code rabbit}, ...)
 * @param status          the connection status line, e.g. {@code connected to proxy 127.0.0.1:7100}
 * @param windowsReceived windows received since start, including those no longer in {@code history}
 * @param rejected        records rejected as invalid, as last reported by the caller ({@code -1}: unknown)
 * @param history         the most recent windows, oldest first
 * @param capacity        how many windows {@code history} keeps
 * @param zone            the zone window times are shown in
 * @param strip           a line about the whole deployment (the demo's: processes up, records/s, window lag), or empty
 */
public record DashboardState(String terminalId, String mode, String status, long windowsReceived, long rejected,
                             List<WindowResult> history, int capacity, ZoneId zone, String strip) {

    /** Windows kept by default: more than any screen is wide. */
    public static final int DEFAULT_CAPACITY = 240;

    public DashboardState {
        Objects.requireNonNull(terminalId, "terminalId");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(strip, "strip");
        if (capacity < 1) {
            throw new IllegalArgumentException("a dashboard keeps at least one window, got capacity " + capacity);
        }
        history = List.copyOf(history);
    }

    /** A dashboard before any window: status "starting", rejected unknown, the default capacity. */
    public static DashboardState initial(String terminalId, String mode, ZoneId zone) {
        return new DashboardState(terminalId, mode, "starting", 0, -1, List.of(), DEFAULT_CAPACITY, zone, "");
    }

    /** This state with one more window received, the oldest dropped past {@link #capacity}. */
    public DashboardState withWindow(WindowResult result) {
        List<WindowResult> next = new ArrayList<>(Math.min(history.size() + 1, capacity));
        int from = Math.max(0, history.size() + 1 - capacity);
        next.addAll(history.subList(from, history.size()));
        next.add(result);
        return new DashboardState(terminalId, mode, status, windowsReceived + 1, rejected, next, capacity, zone, strip);
    }

    public DashboardState withStatus(String newStatus) {
        return new DashboardState(terminalId, mode, newStatus, windowsReceived, rejected, history, capacity, zone, strip);
    }

    public DashboardState withRejected(long newRejected) {
        return new DashboardState(terminalId, mode, status, windowsReceived, newRejected, history, capacity, zone, strip);
    }

    public DashboardState withCapacity(int newCapacity) {
        if (newCapacity < 1) {
            throw new IllegalArgumentException("a dashboard keeps at least one window, got capacity " + newCapacity);
        }
        List<WindowResult> kept = history.subList(Math.max(0, history.size() - newCapacity), history.size());
        return new DashboardState(terminalId, mode, status, windowsReceived, rejected, kept, newCapacity, zone, strip);
    }

    public DashboardState withStrip(String newStrip) {
        return new DashboardState(terminalId, mode, status, windowsReceived, rejected, history, capacity, zone, newStrip);
    }

    /** The last window received, or {@code null} before the first. */
    public WindowResult latest() {
        return history.isEmpty() ? null : history.get(history.size() - 1);
    }
}
