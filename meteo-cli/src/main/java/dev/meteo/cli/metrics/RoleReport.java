package dev.meteo.cli.metrics;

import dev.meteo.cli.io.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What one role measured, as its status file carries it to a parent process ({@code meteo demo}, {@code meteo bench}):
 * a snapshot of its {@link RoleMetrics}, keyed by the metric names {@code /metrics} shows (docs/operations.md), read
 * through the typed accessors below. The one place where a parent reads its children's figures.
 *
 * @param info    facts that are no number: {@code role}, {@code id}, and e.g. {@code owner} (a proxy's lease owner)
 * @param atMillis when the meters were read (epoch ms), for rates between two reports
 * @param last    whether the role had closed gracefully: its final figures (else the last it wrote while running)
 * @param values  counters and gauges by {@link #key}, e.g. {@code meteo.sensor.records.sent},
 *                {@code meteo.records.rejected{field=humidity}}; a gauge with no value is {@code null}
 * @param timers  timers by {@link #key}, in milliseconds
 * @param sensors each sensor's final counters, for a sensor process that ran a fleet; empty otherwise
 */
public record RoleReport(Map<String, String> info, long atMillis, boolean last, Map<String, Double> values,
                         Map<String, Histogram> timers, List<SensorCounts> sensors) {

    /** Records a sensor generated and handed to its transport. */
    public static final String SENSOR_SENT = "meteo.sensor.records.sent";
    /** Records its transport confirmed (stored in direct mode, broker-confirmed in indirect mode). */
    public static final String SENSOR_CONFIRMED = "meteo.sensor.records.confirmed";
    /** Records its transport gave up on. */
    public static final String SENSOR_FAILED = "meteo.sensor.records.failed";
    /** Records a compute server stored in their window. */
    public static final String RECORDS_STORED = "meteo.records.stored";
    /** Windows a proxy published. */
    public static final String WINDOWS_PUBLISHED = "meteo.proxy.windows.published";
    /** Windows a terminal received (delivered to its sinks). */
    public static final String WINDOWS_RECEIVED = "meteo.terminal.windows.received";
    /** Records in the windows a terminal received. */
    public static final String TERMINAL_RECORDS = "meteo.terminal.records";
    /** Compute servers in a load balancer's rotation. */
    public static final String LB_BACKENDS_LIVE = "meteo.lb.backends.live";
    /** A record's detection at its sensor -> its coefficient stored in its window (a compute server's timer). */
    public static final String RECORD_LATENCY = "meteo.record.latency";
    /** A window's close time (end + grace) -> received by a terminal (a terminal's timer). */
    public static final String WINDOW_DELAY = "meteo.terminal.window.delay";

    public RoleReport {
        info = Map.copyOf(info);
        values = new TreeMap<>(values); // a null (a gauge without a value) is allowed, so no Map.copyOf
        timers = Map.copyOf(timers);
        sensors = List.copyOf(sensors);
    }

    /** One sensor's final counters. */
    public record SensorCounts(String id, long sent, long confirmed, long failed) {
    }

    /**
     * A timer as Prometheus shows it, in milliseconds: how many were recorded, their sum, the largest lately, and
     * the cumulative count at or below each bucket's upper bound ({@code le}).
     */
    public record Histogram(long count, double totalMillis, double maxMillis, Map<Double, Long> buckets) {

        public Histogram {
            buckets = new TreeMap<>(buckets);
        }

        /** Nothing recorded. */
        public static final Histogram EMPTY = new Histogram(0, 0, 0, Map.of());

        /** What was recorded between {@code earlier} and this one (the same timer, read twice). */
        public Histogram since(Histogram earlier) {
            Map<Double, Long> delta = new TreeMap<>();
            buckets.forEach((le, count) -> delta.put(le, count - earlier.buckets.getOrDefault(le, 0L)));
            return new Histogram(count - earlier.count, totalMillis - earlier.totalMillis, maxMillis, delta);
        }

        /** The sum of two timers of the same buckets (two servers' latencies). */
        public Histogram plus(Histogram other) {
            Map<Double, Long> sum = new TreeMap<>(buckets);
            other.buckets.forEach((le, count) -> sum.merge(le, count, Long::sum));
            return new Histogram(count + other.count, totalMillis + other.totalMillis,
                    Math.max(maxMillis, other.maxMillis), sum);
        }

        /**
         * The {@code q}-quantile (0..1) in milliseconds, interpolated linearly inside its bucket as Prometheus's
         * {@code histogram_quantile} does; {@code null} when nothing was recorded.
         */
        public Double quantile(double q) {
            if (count <= 0) {
                return null;
            }
            double rank = q * count;
            double lowerBound = 0;
            long below = 0;
            for (Map.Entry<Double, Long> bucket : buckets.entrySet()) {
                if (bucket.getValue() >= rank) {
                    long inBucket = bucket.getValue() - below;
                    double fraction = inBucket == 0 ? 1 : (rank - below) / inBucket;
                    return lowerBound + (bucket.getKey() - lowerBound) * fraction;
                }
                lowerBound = bucket.getKey();
                below = bucket.getValue();
            }
            return lowerBound; // above the last bucket: its bound, as Prometheus answers
        }

        /** The mean in milliseconds, {@code null} when nothing was recorded. */
        public Double mean() {
            return count <= 0 ? null : totalMillis / count;
        }
    }

    /** The key of a meter: its name, then its tags (role and role_id left out) in order, e.g. {@code a.b{k=v}}. */
    public static String key(String name, Map<String, String> tags) {
        return tags.isEmpty() ? name : name + new TreeMap<>(tags).entrySet().stream()
                .map(tag -> tag.getKey() + "=" + tag.getValue()).collect(Collectors.joining(",", "{", "}"));
    }

    /** The role's kind as {@code meteo <role>} names it: sensor, server, lb, proxy, terminal. */
    public String role() {
        return info.getOrDefault("role", "?");
    }

    /** The role's id. */
    public String id() {
        return info.getOrDefault("id", "?");
    }

    /** A counter or gauge by name, summed over its tags; 0 when the role has none. */
    public long count(String name) {
        double sum = 0;
        for (Map.Entry<String, Double> value : values.entrySet()) {
            if (value.getValue() != null && (value.getKey().equals(name) || value.getKey().startsWith(name + "{"))) {
                sum += value.getValue();
            }
        }
        return Math.round(sum);
    }

    /** A timer by name, {@link Histogram#EMPTY} when the role has none. */
    public Histogram timer(String name) {
        return timers.getOrDefault(name, Histogram.EMPTY);
    }

    public long sent() {
        return count(SENSOR_SENT);
    }

    public long confirmed() {
        return count(SENSOR_CONFIRMED);
    }

    public long failed() {
        return count(SENSOR_FAILED);
    }

    public long stored() {
        return count(RECORDS_STORED);
    }

    public long windowsPublished() {
        return count(WINDOWS_PUBLISHED);
    }

    public long windowsReceived() {
        return count(WINDOWS_RECEIVED);
    }

    public long liveServers() {
        return count(LB_BACKENDS_LIVE);
    }

    /** The proxy's lease owner ({@code <proxy id>/<nonce>}), as Redis names the lease holder. */
    public Optional<String> owner() {
        return Optional.ofNullable(info.get("owner"));
    }

    /** Each sensor of the process: those of a fleet, or the process's totals as its one sensor named {@code name}. */
    public List<SensorCounts> sensorsOr(String name) {
        return sensors.isEmpty() ? List.of(new SensorCounts(name, sent(), confirmed(), failed())) : sensors;
    }

    /**
     * The status line: the role's counters and gauges, short names ({@code meteo.sensor.records.sent} -> {@code sent}),
     * timers as their count and mean.
     */
    public String line() {
        List<String> parts = new ArrayList<>();
        values.forEach((key, value) -> parts.add(shortName(key) + " " + (value == null ? "?" : format(value))));
        timers.forEach((key, histogram) -> parts.add(shortName(key) + " " + histogram.count() + " (mean "
                + (histogram.mean() == null ? "?" : format(Math.round(histogram.mean() * 10) / 10.0)) + " ms)"));
        String problem = info.get("problem");
        return (problem == null ? "" : "UNHEALTHY: " + problem + "; ") + String.join(", ", parts);
    }

    private static String shortName(String key) {
        String name = key.replaceFirst("^meteo\\.", "").replaceFirst("^(sensor|proxy|terminal|lb|grpc|rabbit)\\.", "");
        return name.replace("records.", "").replace('.', ' ');
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }

    /** Replaces {@code file} with this report atomically, so a reader never sees half a document. */
    public void write(Path file) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, Json.write(this) + "\n");
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The report in {@code file}, or empty when there is none yet (the role has not written one). */
    public static Optional<RoleReport> read(Path file) {
        try {
            return Optional.of(Json.read(Files.readString(file), RoleReport.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The report of a role that wrote none yet: every figure 0, not final. */
    public static RoleReport none() {
        return new RoleReport(Map.of(), 0, false, Map.of(), Map.of(), List.of());
    }

    /** The report in {@code file}, or {@link #none()} when there is none or it cannot be read (a process killed). */
    public static RoleReport readOrNone(Path file) {
        try {
            return read(file).orElse(none());
        } catch (RuntimeException e) {
            return none();
        }
    }

    /** The sum of one counter over several roles' reports. */
    public static long sum(Collection<RoleReport> reports, String name) {
        return reports.stream().mapToLong(report -> report.count(name)).sum();
    }

    /** The sum of one timer over several roles' reports. */
    public static Histogram sumTimer(Collection<RoleReport> reports, String name) {
        return reports.stream().map(report -> report.timer(name)).reduce(Histogram.EMPTY, Histogram::plus);
    }
}
