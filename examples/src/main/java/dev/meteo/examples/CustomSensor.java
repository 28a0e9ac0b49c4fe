package dev.meteo.examples;

import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.inprocess.InProcessBroadcast;
import dev.meteo.inprocess.InProcessLoadBalancer;
import dev.meteo.model.InvalidRecordException;
import dev.meteo.model.RawMeteoData;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.sensor.Sensor;
import dev.meteo.sensor.SensorSettings;
import dev.meteo.sensor.SensorType;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;
import dev.meteo.terminal.Terminal;
import dev.meteo.window.AggregatorSettings;
import dev.meteo.window.WindowAggregator;
import dev.meteo.window.WindowSpec;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletionException;

/**
 * A custom sensor: instead of the built-in random detector, it replays a fixed list of readings (say, a weather
 * station's log) through {@link Sensor#emit(dev.meteo.model.SensorRecord)}, so they get the same in-flight bound,
 * delivery confirmation and counters as the sensor's own readings. Each reading is stamped with the time it is
 * replayed: detection time is event time, and a timestamp too far in the past would be late, too far ahead rejected.
 *
 * <p>One reading is deliberately impossible (humidity 120 %): the compute node rejects it with a reason, and the
 * sensor's delivery future fails with {@link InvalidRecordException}.
 */
public final class CustomSensor {

    /** The replayed log: temperature (°C) and humidity (%). */
    private static final double[][] READINGS = {
            {18.2, 45.0}, {18.9, 44.1}, {19.7, 42.8}, {21.0, 40.5}, {22.4, 39.0},
            {24.1, 37.2}, {26.3, 35.8}, {28.0, 120.0}, {29.5, 33.1}, {31.2, 31.4},
            {30.1, 32.0}, {27.6, 35.5}, {24.8, 38.9}, {22.0, 41.7}, {19.5, 44.6},
    };

    public static void main(String[] args) throws Exception {
        Clock clock = Clock.systemUTC();
        String redisUri = System.getenv().getOrDefault("METEO_REDIS_URI", RedisSettings.DEFAULT_URI);
        try (RedisMeteoStore store = new RedisMeteoStore(RedisSettings.of(redisUri, "meteo-example:" + UUID.randomUUID() + ":"))) {
            store.ping();
            ComputeNode node = new ComputeNode(ComputeSettings.of("node-1"), store, clock);
            RecordPublisher publisher = new InProcessLoadBalancer().add(node);
            Terminal terminal = new Terminal("console",
                    List.of(result -> System.out.println(Pipeline.describe(result))));
            WindowAggregator aggregator = new WindowAggregator(
                    AggregatorSettings.of(WindowSpec.of(Duration.ofSeconds(1), Duration.ofMillis(300)), "replay-proxy"),
                    store, new InProcessBroadcast().add(terminal), clock).start();

            // Not started: start() would run the random detector. We only use its publishing and bookkeeping.
            String id = "station-log";
            Sensor sensor = new Sensor(SensorSettings.of(id, SensorType.AIR).withMaxInFlight(4), publisher, clock);
            long sequence = clock.millis() * 1000; // unique across replays of the same log
            for (double[] reading : READINGS) {
                RawMeteoData record = new RawMeteoData(id, sequence++, clock.instant(), reading[0], reading[1]);
                sensor.emit(record).exceptionally(error -> {
                    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                    if (cause instanceof InvalidRecordException invalid) {
                        System.out.println("rejected " + invalid.recordId() + ": " + invalid.getMessage());
                    }
                    return null;
                });
                Thread.sleep(250);
            }
            sensor.close(); // waits until every replayed reading is stored or rejected
            Thread.sleep(1_500); // the last window closes 1.3 s after its start at most

            System.out.println(String.format(Locale.ROOT, "sensor %s, store: rejected=%d late=%d",
                    sensor.stats(), store.rejectedCount(), store.lateCount()));
            aggregator.close();
            node.close();
            terminal.close();
            store.deleteAll();
        }
    }
}
