package dev.meteo.cli.metrics;

import dev.meteo.compute.ComputeNode;
import dev.meteo.metrics.Measured;
import dev.meteo.model.RecordValidator;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.sensor.Sensor;
import dev.meteo.terminal.Terminal;
import dev.meteo.window.WindowAggregator;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Binds each role's counters to a {@link MetricsEndpoint}: the SDK's {@code Stats} records as function counters and
 * gauges (read at each scrape, nothing is counted twice), the transports' {@link Measured} parts, the Redis store's
 * round trips, RabbitMQ queue depths. Names are Micrometer's dotted ones; the Prometheus registry renders them with
 * units and {@code _total} ({@code meteo.records.stored} -> {@code meteo_records_stored_total}).
 */
public final class RoleMeters {

    /**
     * The histogram buckets of every latency and delay (Prometheus {@code le}): 1 ms to 60 s, a few per decade, so
     * that a dashboard's quantiles are meaningful and a scrape stays small.
     */
    public static final java.time.Duration[] LATENCY_BUCKETS = java.util.stream.LongStream.of(1, 2, 5, 10, 20, 50, 100,
            200, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000).mapToObj(java.time.Duration::ofMillis)
            .toArray(java.time.Duration[]::new);

    private RoleMeters() {
    }

    /**
     * A sensor, or a fleet of sensors in one process ({@code meteo sensor --count N}): records sent, confirmed, failed,
     * skipped (buffer full), in flight, read from {@code stats} at each scrape.
     */
    public static void sensor(MeterRegistry registry, Supplier<Sensor.Stats> stats) {
        counter(registry, "meteo.sensor.records.sent", "records generated and handed to the transport", stats,
                s -> s.get().sent());
        counter(registry, "meteo.sensor.records.confirmed", "records the transport confirmed (stored, or broker-confirmed)",
                stats, s -> s.get().confirmed());
        counter(registry, "meteo.sensor.records.failed", "records the transport gave up on", stats,
                s -> s.get().failed());
        counter(registry, "meteo.sensor.records.skipped", "readings skipped because the in-flight buffer was full",
                stats, s -> s.get().skipped());
        Gauge.builder("meteo.sensor.records.in.flight", stats, s -> s.get().inFlight())
                .description("records sent and not yet confirmed or failed").register(registry);
    }

    /**
     * A compute server's node: records received, stored in a window, late, duplicates, rejected by field, failed;
     * and the Redis round trips of its store.
     */
    public static void computeNode(MeterRegistry registry, ComputeNode node, RedisMeteoStore store) {
        counter(registry, "meteo.records.received", "records handed to this compute server", node,
                n -> n.stats().received());
        counter(registry, "meteo.records.stored", "records whose coefficient this server stored in its window", node,
                n -> n.stats().stored());
        counter(registry, "meteo.records.late", "records this server stored after their window closed (late)", node,
                n -> n.stats().late());
        counter(registry, "meteo.records.duplicates", "records stored before (a retry or a redelivery): not counted again",
                node, n -> n.stats().duplicates());
        counter(registry, "meteo.records.failed", "records not stored: store unavailable or server closing (retried)",
                node, n -> n.stats().failed());
        List<String> fields = new java.util.ArrayList<>(RecordValidator.Rejection.FIELDS);
        fields.add(ComputeNode.UNDECODABLE);
        for (String field : fields) {
            FunctionCounter.builder("meteo.records.rejected", node, n -> n.rejectedByField().getOrDefault(field, 0L))
                    .description("records rejected as invalid, by the field at fault ('message': not a record at all)")
                    .tag("field", field).register(registry);
        }
        redis(registry, store);
    }

    /** Requests a store sent to Redis. */
    public static void redis(MeterRegistry registry, RedisMeteoStore store) {
        counter(registry, "meteo.redis.round.trips", "requests sent to Redis: a command, a script or a pipelined batch",
                store, RedisMeteoStore::roundTrips);
    }

    /**
     * The proxy's aggregator: whether it holds the lease, windows closed and published, how far its closed horizon
     * is behind now; and the deployment's late and rejected totals, read from Redis at each scrape.
     */
    public static void aggregator(MeterRegistry registry, WindowAggregator aggregator, RedisMeteoStore store, Clock clock) {
        Gauge.builder("meteo.proxy.lease.held", aggregator, a -> a.isLeader() ? 1 : 0)
                .description("1 while this proxy holds the lease (it is the active one), 0 for a standby").register(registry);
        counter(registry, "meteo.proxy.windows.closed", "windows this proxy closed", aggregator,
                a -> a.stats().windowsClosed());
        counter(registry, "meteo.proxy.windows.published", "windows this proxy published", aggregator,
                a -> a.stats().windowsEmitted());
        Gauge.builder("meteo.proxy.window.lag", aggregator, a -> {
            long horizon = a.stats().closedHorizonMillis();
            return horizon == Long.MIN_VALUE ? Double.NaN : (clock.millis() - horizon) / 1000.0;
        }).baseUnit("seconds").description("now - the end of the last closed window (about grace to grace + window "
                + "when healthy); NaN for a standby").register(registry);
        Gauge.builder("meteo.store.records.late", store, s -> orNaN(s::lateCount))
                .description("records stored after their window closed, in the deployment (Redis)").register(registry);
        Gauge.builder("meteo.store.records.rejected", store, s -> orNaN(s::rejectedCount))
                .description("records rejected as invalid, in the deployment (Redis)").register(registry);
        redis(registry, store);
    }

    /**
     * A terminal: windows received and ignored (repeats), deliveries its file could not keep and whether it keeps its
     * windows now. Its records and delays: {@link WindowDelayMeter}.
     */
    public static void terminal(MeterRegistry registry, Terminal terminal) {
        counter(registry, "meteo.terminal.windows.received", "windows delivered to this terminal's sinks", terminal,
                Terminal::windowsReceived);
        counter(registry, "meteo.terminal.windows.ignored", "repeated or stale windows dropped", terminal,
                Terminal::windowsIgnored);
        counter(registry, "meteo.terminal.windows.not.kept", "deliveries of a window its file could not keep (it "
                + "comes again)", terminal, Terminal::windowsNotKept);
        Gauge.builder("meteo.terminal.healthy", terminal, t -> t.problem() == null ? 1 : 0)
                .description("1 while the terminal keeps every window it receives, 0 while its file cannot be written")
                .register(registry);
    }

    /** A transport's part or publisher, when it reports measurements. */
    public static void part(MetricsEndpoint endpoint, Object part) {
        if (part instanceof Measured measured) {
            MeasuredMeters meters = new MeasuredMeters(endpoint.registry(), measured);
            endpoint.beforeScrape(meters::refresh);
        }
    }

    /** RabbitMQ queues' depth and consumers ({@code meteo.rabbit.queue.messages}, {@code ...consumers}), per queue. */
    public static void queues(MetricsEndpoint endpoint, QueueProbe probe, List<String> queues) {
        Map<String, QueueProbe.QueueDepth> latest = new ConcurrentHashMap<>();
        for (String queue : queues) {
            Gauge.builder("meteo.rabbit.queue.messages", latest, l -> l.containsKey(queue) ? l.get(queue).messages() : Double.NaN)
                    .description("messages ready in the queue (passive declare)").tag("queue", queue)
                    .register(endpoint.registry());
            Gauge.builder("meteo.rabbit.queue.consumers", latest, l -> l.containsKey(queue) ? l.get(queue).consumers() : Double.NaN)
                    .description("consumers of the queue").tag("queue", queue).register(endpoint.registry());
        }
        endpoint.beforeScrape(() -> {
            try {
                probe.depths(queues).forEach(depth -> latest.put(depth.name(), depth));
            } catch (RuntimeException e) {
                latest.clear(); // broker out of reach: the gauges read NaN
            }
        });
    }

    private static <T> void counter(MeterRegistry registry, String name, String description, T source,
                                    ToDoubleFunction<T> value) {
        FunctionCounter.builder(name, source, value).description(description).register(registry);
    }

    private static double orNaN(java.util.function.LongSupplier read) {
        try {
            return read.getAsLong();
        } catch (RuntimeException e) {
            return Double.NaN; // Redis out of reach: the gauge has no value this time
        }
    }
}
