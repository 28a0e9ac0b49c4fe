package dev.meteo.cli.metrics;

import dev.meteo.redis.RedisMeteoStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The meters read from outside the role's own parts, which the core's {@code Measured} port does not cover because
 * reading them asks a server: the Redis store's round trips, the deployment's late and rejected totals in Redis, and
 * RabbitMQ queues' depth. Read at each scrape or report; a server out of reach reads NaN.
 */
public final class StoreMeters {

    private StoreMeters() {
    }

    /** Requests a store sent to Redis ({@code meteo.redis.round.trips}). */
    public static void roundTrips(MeterRegistry registry, RedisMeteoStore store) {
        FunctionCounter.builder("meteo.redis.round.trips", store, RedisMeteoStore::roundTrips)
                .description("requests sent to Redis: a command, a script or a pipelined batch").register(registry);
    }

    /** The deployment's late and rejected totals ({@code meteo.store.records.late}, {@code ...rejected}), from Redis. */
    public static void deploymentCounts(MeterRegistry registry, RedisMeteoStore store) {
        Gauge.builder("meteo.store.records.late", store, s -> orNaN(s::lateCount))
                .description("records stored after their window closed, in the deployment (Redis)").register(registry);
        Gauge.builder("meteo.store.records.rejected", store, s -> orNaN(s::rejectedCount))
                .description("records rejected as invalid, in the deployment (Redis)").register(registry);
    }

    /** RabbitMQ queues' depth and consumers ({@code meteo.rabbit.queue.messages}, {@code ...consumers}), per queue. */
    public static void queues(RoleMetrics metrics, QueueProbe probe, List<String> queues) {
        Map<String, QueueProbe.QueueDepth> latest = new ConcurrentHashMap<>();
        for (String queue : queues) {
            Gauge.builder("meteo.rabbit.queue.messages", latest, l -> l.containsKey(queue) ? l.get(queue).messages() : Double.NaN)
                    .description("messages ready in the queue (passive declare)").tag("queue", queue)
                    .register(metrics.registry());
            Gauge.builder("meteo.rabbit.queue.consumers", latest, l -> l.containsKey(queue) ? l.get(queue).consumers() : Double.NaN)
                    .description("consumers of the queue").tag("queue", queue).register(metrics.registry());
        }
        metrics.beforeRead(() -> {
            try {
                probe.depths(queues).forEach(depth -> latest.put(depth.name(), depth));
            } catch (RuntimeException e) {
                latest.clear(); // broker out of reach: the gauges read NaN
            }
        });
    }

    private static double orNaN(LongSupplier read) {
        try {
            return read.getAsLong();
        } catch (RuntimeException e) {
            return Double.NaN; // Redis out of reach: the gauge has no value this time
        }
    }
}
