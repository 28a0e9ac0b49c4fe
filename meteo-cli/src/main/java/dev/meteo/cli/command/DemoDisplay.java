package dev.meteo.cli.command;

import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.cli.dashboard.AnsiDashboardSink;
import dev.meteo.cli.dashboard.DashboardState;
import dev.meteo.cli.io.WindowResultJson;
import dev.meteo.cli.options.Mode;
import dev.meteo.redis.RedisMeteoStore;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
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

    private DemoDisplay(AnsiDashboardSink sink, Path jsonl, RedisMeteoStore store, Supplier<String> status) {
        this.sink = sink;
        this.follower = DaemonThreadFactory.start("demo-display", () -> follow(jsonl, store, status));
    }

    static DemoDisplay open(boolean dashboard, Mode mode, String terminalId, Path jsonl, RedisMeteoStore store,
                            Supplier<String> status) {
        AnsiDashboardSink sink = dashboard ? AnsiDashboardSink.open(terminalId, mode.name())
                : AnsiDashboardSink.plain(System.out, DashboardState.initial(terminalId, mode.name(), ZoneId.systemDefault()));
        return new DemoDisplay(sink, jsonl, store, status);
    }

    private void follow(Path jsonl, RedisMeteoStore store, Supplier<String> status) {
        BufferedReader reader = null;
        long lastRefresh = 0;
        try {
            while (running) {
                if (reader == null && Files.exists(jsonl)) {
                    reader = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8);
                }
                String line = reader == null ? null : reader.readLine();
                if (line != null) {
                    if (!line.isBlank()) {
                        sink.accept(WindowResultJson.fromJson(line));
                    }
                    continue;
                }
                if (System.currentTimeMillis() - lastRefresh > 1_000) {
                    lastRefresh = System.currentTimeMillis();
                    sink.setStatus(status.get());
                    try {
                        sink.setRejected(store.rejectedCount());
                    } catch (RuntimeException e) {
                        sink.setStatus("Redis unavailable: " + e.getMessage());
                    }
                }
                Thread.sleep(100); // the file is written by another process: follow it like tail -f
            }
        } catch (IOException | InterruptedException e) {
            // the display ends with the demo
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (IOException ignored) {
                    // nothing left to read
                }
            }
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
