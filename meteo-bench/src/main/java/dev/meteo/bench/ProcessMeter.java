package dev.meteo.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * CPU and memory of one OS process from Linux's {@code /proc}: CPU time is {@code utime + stime} of
 * {@code /proc/<pid>/stat} (clock ticks, 100 per second on Linux x86-64 and arm64), memory is {@code VmRSS} of
 * {@code /proc/<pid>/status}. {@link #start} and {@link #stop} bracket the measured period; {@link #sample} between
 * them keeps the largest resident set seen. A process that dies keeps what was read before.
 */
final class ProcessMeter {

    /** USER_HZ: the kernel ABI fixes it at 100 on the architectures Java runs on here. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final String name;
    private final long pid;
    private long startTicks = -1;
    private long startNanos;
    private long lastTicks = -1;
    private long lastNanos;
    private long maxRssKb;
    private long rssSumKb;
    private int rssSamples;

    ProcessMeter(String name, long pid) {
        this.name = name;
        this.pid = pid;
    }

    String name() {
        return name;
    }

    void start() {
        startTicks = cpuTicks(pid).orElse(-1);
        startNanos = System.nanoTime();
        lastTicks = startTicks;
        lastNanos = startNanos;
        sample();
    }

    /** Reads CPU time and resident set now; cheap enough to call every second. */
    void sample() {
        OptionalLong ticks = cpuTicks(pid);
        if (ticks.isPresent()) {
            lastTicks = ticks.getAsLong();
            lastNanos = System.nanoTime();
        }
        OptionalLong rss = rssKb(pid);
        if (rss.isPresent()) {
            maxRssKb = Math.max(maxRssKb, rss.getAsLong());
            rssSumKb += rss.getAsLong();
            rssSamples++;
        }
    }

    void stop() {
        sample();
    }

    /** {"name", "pid", "cpu_percent" (of one CPU, over the measured period), "rss_mb" (largest), "rss_mb_mean"}. */
    Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("pid", pid);
        double seconds = (lastNanos - startNanos) / 1e9;
        out.put("cpu_percent", startTicks < 0 || seconds <= 0 ? null
                : round1((lastTicks - startTicks) / TICKS_PER_SECOND / seconds * 100));
        out.put("rss_mb", rssSamples == 0 ? null : round1(maxRssKb / 1024.0));
        out.put("rss_mb_mean", rssSamples == 0 ? null : round1(rssSumKb / 1024.0 / rssSamples));
        return out;
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }

    /** utime + stime in clock ticks; empty when the process is gone or /proc is not there (not Linux). */
    static OptionalLong cpuTicks(long pid) {
        try {
            return parseCpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** Fields 14 and 15 of a stat line; the command name (field 2) may hold spaces and parentheses, so count from its end. */
    static OptionalLong parseCpuTicks(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return OptionalLong.empty();
        }
        String[] fields = stat.substring(close + 2).trim().split("\\s+");
        // fields[0] is field 3 (state): utime is field 14 -> index 11, stime field 15 -> index 12
        return OptionalLong.of(Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
    }

    static OptionalLong rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return OptionalLong.of(Long.parseLong(line.substring(6).trim().split("\\s+")[0]));
                }
            }
            return OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** The first process whose {@code /proc/<pid>/comm} is {@code command} (e.g. redis-server), if any. */
    static OptionalLong findByCommand(String command) {
        try (var entries = Files.list(Path.of("/proc"))) {
            return entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> {
                        try {
                            return Files.readString(p.resolve("comm")).trim().equals(command);
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .mapToLong(p -> Long.parseLong(p.getFileName().toString()))
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
