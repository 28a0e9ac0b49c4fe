package dev.meteo.demo;

import dev.meteo.cli.dashboard.AnsiDashboardSink;
import dev.meteo.cli.dashboard.DashboardState;
import dev.meteo.cli.dashboard.JsonlTail;
import dev.meteo.cli.options.Mode;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.model.WindowResult;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.store.SensorCounts;

import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What the demo shows in the foreground: the first terminal's windows, followed from the file that terminal
 * writes, so the demo process owns the tty and its children never touch it. Full-screen ANSI dashboard on a tty,
 * plain lines otherwise (or with {@code --headless}). The rejected counter comes from Redis.
 */
final class DemoDisplay implements AutoCloseable {

    private final AnsiDashboardSink sink;
    private final Thread follower;
    private volatile boolean running = true;

    private final Supplier<String> processes;
    private long lastClassified = -1;
    private long lastClassifiedAt;

    private DemoDisplay(AnsiDashboardSink sink, Path jsonl, RedisMeteoStore store, Supplier<String> status,
                        Supplier<String> processes) {
        this.sink = sink;
        this.processes = processes;
        this.follower = DaemonThreadFactory.start("demo-display", () -> follow(jsonl, store, status));
    }

    /**
     * @param status    the status line (where the logs are)
     * @param processes the strip's first part: processes up and restarted
     */
    static DemoDisplay open(boolean dashboard, Mode mode, String terminalId, Path jsonl, RedisMeteoStore store,
                            Supplier<String> status, Supplier<String> processes) {
        AnsiDashboardSink sink = dashboard ? AnsiDashboardSink.open(terminalId, mode.toString())
                : AnsiDashboardSink.plain(System.out, DashboardState.initial(terminalId, mode.toString(), ZoneId.systemDefault()));
        return new DemoDisplay(sink, jsonl, store, status, processes);
    }

    /** {@code processes 11/11 up · 0 died · 0 restarted · 23.5 records/s · window lag 4.1 s}, from the store's counters. */
    private String strip(RedisMeteoStore store) {
        long now = store.timeMillis();
        long classified = 0;
        for (SensorCounts counts : store.sensorCounts().values()) {
            classified += counts.stored() + counts.late() + counts.rejected();
        }
        String rate = "? records/s";
        if (lastClassified >= 0 && now > lastClassifiedAt) {
            rate = String.format(Locale.ROOT, "%.1f records/s", (classified - lastClassified) * 1000.0 / (now - lastClassifiedAt));
        }
        lastClassified = classified;
        lastClassifiedAt = now;
        long closed = store.closedHorizon();
        String lag = closed == Long.MIN_VALUE ? "no window closed yet"
                : String.format(Locale.ROOT, "window lag %.1f s", (now - closed) / 1000.0);
        return processes.get() + " · " + rate + " · " + lag;
    }

    /** Follows the file like {@code tail -f} ({@link JsonlTail}), and refreshes the status and strip every second. */
    private void follow(Path jsonl, RedisMeteoStore store, Supplier<String> status) {
        JsonlTail tail = new JsonlTail(jsonl);
        long lastRefresh = 0;
        try {
            while (running) {
                for (WindowResult window : tail.poll(sink::setStatus)) {
                    sink.accept(window);
                }
                if (System.currentTimeMillis() - lastRefresh > 1_000) {
                    lastRefresh = System.currentTimeMillis();
                    sink.setStatus(status.get());
                    try {
                        sink.setRejected(store.rejectedCount());
                        sink.setStrip(strip(store));
                    } catch (RuntimeException e) {
                        sink.setStatus("Redis unavailable: " + e.getMessage());
                    }
                }
                Thread.sleep(100); // the file is written by another process: poll it
            }
        } catch (IOException | InterruptedException e) {
            // the display ends with the demo
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        follower.interrupt();
        follower.join(1_000);
        sink.close();
    }
}
