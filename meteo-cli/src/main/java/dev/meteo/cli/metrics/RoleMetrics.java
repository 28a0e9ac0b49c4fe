package dev.meteo.cli.metrics;

import dev.meteo.metrics.Measured;
import dev.meteo.metrics.Measurement;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

/**
 * A role's one measurement model: a Micrometer registry holding every meter the role has (tagged {@code role} and
 * {@code role_id}), whatever renders it. {@code /metrics} ({@link MetricsEndpoint}) scrapes it, the status line and the
 * status file are {@link #report}s of it, and a parent process reads those through {@link RoleReport}. Parts of the
 * SDK report through the core's {@link Measured} port; {@link #bind(Object)} is the one binder from that port to the
 * registry. Thread-safe.
 */
public final class RoleMetrics implements AutoCloseable {

    /**
     * The histogram buckets of every latency and delay (Prometheus {@code le}): 1 ms to 60 s, about three per doubling
     * below a second, so that a quantile read from them (a dashboard's, the bench's) is within a few per cent.
     */
    public static final Duration[] LATENCY_BUCKETS = LongStream.of(1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50,
                    60, 80, 100, 120, 150, 200, 250, 300, 400, 500, 600, 800, 1_000, 1_500, 2_000, 3_000, 5_000, 7_500,
                    10_000, 15_000, 30_000, 60_000)
            .mapToObj(Duration::ofMillis).toArray(Duration[]::new);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final List<Runnable> refreshers = new CopyOnWriteArrayList<>();
    private final Map<String, String> info = new ConcurrentHashMap<>();

    private RoleMetrics(String role, String id) {
        registry.config().commonTags(List.of(Tag.of("role", role), Tag.of("role_id", id)));
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        info.put("role", role);
        info.put("id", id);
    }

    /** The meters of the role {@code role} with id {@code id}, the JVM's and the process's included. */
    public static RoleMetrics of(String role, String id) {
        return new RoleMetrics(role, id);
    }

    /** Where the role's own meters go (timers of latencies, counters the launcher keeps itself). */
    public MeterRegistry registry() {
        return registry;
    }

    /** The registry as Prometheus renders it, for {@link MetricsEndpoint}. */
    PrometheusMeterRegistry prometheus() {
        return registry;
    }

    /**
     * Binds {@code part}'s measurements, when it reports any ({@link Measured}): each becomes a function counter or a
     * gauge reading the value of the last refresh, made before each read ({@link #refresh()}). A name and tags seen
     * for the first time (a new backend) is registered then; one no longer reported keeps its last value.
     */
    public void bind(Object part) {
        if (part instanceof Measured measured) {
            Map<String, Double> latest = new ConcurrentHashMap<>();
            Runnable refresh = () -> {
                for (Measurement measurement : measured.measurements()) {
                    String key = measurement.name() + new TreeMap<>(measurement.tags());
                    if (latest.put(key, measurement.value()) == null) {
                        register(measurement, key, latest);
                    }
                }
            };
            refresh.run();
            refreshers.add(refresh);
        }
    }

    private void register(Measurement measurement, String key, Map<String, Double> latest) {
        Tags tags = Tags.empty();
        for (Map.Entry<String, String> tag : measurement.tags().entrySet()) {
            tags = tags.and(tag.getKey(), tag.getValue());
        }
        if (measurement.kind() == Measurement.Kind.COUNTER) {
            FunctionCounter.builder(measurement.name(), latest, values -> values.getOrDefault(key, 0.0))
                    .description(measurement.description()).tags(tags).register(registry);
        } else {
            Gauge.builder(measurement.name(), latest, values -> values.getOrDefault(key, Double.NaN))
                    .description(measurement.description()).tags(tags).register(registry);
        }
    }

    /** Runs {@code refresher} before every read of the meters (it must be quick and must not throw). */
    public void beforeRead(Runnable refresher) {
        refreshers.add(refresher);
    }

    /**
     * A fact about the role that is no number (the proxy's lease owner, why a terminal is unhealthy), carried by the
     * status file and its {@link RoleReport}; {@code null} removes it.
     */
    public void describe(String key, String value) {
        if (value == null) {
            info.remove(key);
        } else {
            info.put(key, value);
        }
    }

    /** Reads every bound part now. */
    public void refresh() {
        refreshers.forEach(Runnable::run);
    }

    /** The exposition in the given format (as {@link PrometheusMeterRegistry#scrape(String)}), refreshed. */
    public String scrape(String contentType) {
        refresh();
        return registry.scrape(contentType);
    }

    /**
     * The role's own meters ({@code meteo.*}) now, refreshed: counters and gauges by name (and tags), timers with their
     * count, total, max and cumulative buckets, as Prometheus shows them.
     *
     * @param last        whether the role has closed and these are its final values
     * @param sensors     each sensor's final counters (a fleet's), or empty
     */
    public RoleReport report(boolean last, List<RoleReport.SensorCounts> sensors) {
        refresh();
        Map<String, Double> values = new TreeMap<>();
        Map<String, RoleReport.Histogram> timers = new TreeMap<>();
        for (Meter meter : registry.getMeters()) {
            String name = meter.getId().getName();
            if (!name.startsWith("meteo.")) {
                continue;
            }
            String key = RoleReport.key(name, tags(meter));
            if (meter instanceof Timer timer) {
                HistogramSnapshot snapshot = timer.takeSnapshot();
                Map<Double, Long> buckets = new TreeMap<>();
                for (CountAtBucket bucket : snapshot.histogramCounts()) {
                    buckets.put(bucket.bucket(TimeUnit.MILLISECONDS), (long) bucket.count());
                }
                timers.put(key, new RoleReport.Histogram(snapshot.count(), snapshot.total(TimeUnit.MILLISECONDS),
                        snapshot.max(TimeUnit.MILLISECONDS), buckets));
            } else if (meter instanceof Counter counter) {
                values.put(key, counter.count());
            } else if (meter instanceof FunctionCounter counter) {
                values.put(key, counter.count());
            } else if (meter instanceof Gauge gauge) {
                values.put(key, gauge.value());
            } else {
                meter.measure().forEach(sample -> values.putIfAbsent(key, sample.getValue()));
            }
        }
        return new RoleReport(Map.copyOf(info), System.currentTimeMillis(), last, values, timers, sensors);
    }

    private static Map<String, String> tags(Meter meter) {
        Map<String, String> tags = new TreeMap<>();
        for (Tag tag : meter.getId().getTagsAsIterable()) {
            if (!tag.getKey().equals("role") && !tag.getKey().equals("role_id")) {
                tags.put(tag.getKey(), tag.getValue());
            }
        }
        return tags;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
