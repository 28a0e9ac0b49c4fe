package dev.meteo.jmh;

import dev.meteo.model.Coefficient;
import dev.meteo.model.CoefficientKind;
import dev.meteo.model.RecordId;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;
import dev.meteo.testing.RedisProcess;

import redis.clients.jedis.Jedis;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the Redis store keeps per sensor and per record: a private {@code redis-server} (so nothing else shares its
 * memory), the horizons initialised as the first proxy does, then (1) one record from each of {@code sensors} new
 * sensors and (2) {@code records} records spread over those sensors, in sequence order, in batches of 256 as a
 * compute server's group commit sends them, nothing trimmed (all within the retention). Prints the growth of
 * {@code used_memory} per 1,000 sensors and per million records. Not a JMH benchmark: a measurement of memory, not
 * time; run it with {@code java -cp jmh/target/benchmarks.jar dev.meteo.jmh.StoreFootprint [sensors] [records]}.
 */
public final class StoreFootprint {

    private static final int BATCH = 256;

    public static void main(String[] args) throws Exception {
        int sensors = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int records = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        Path dir = Files.createTempDirectory("meteo-footprint");
        try (RedisProcess redis = RedisProcess.start(dir);
             RedisMeteoStore store = new RedisMeteoStore(RedisSettings.of(redis.uri(), "footprint:"))) {
            long start = 1_750_000_000_000L;
            store.initialiseHorizon(start, 1_000, 0, start);
            long empty = store.usedMemoryBytes();
            List<Coefficient> batch = new ArrayList<>(BATCH);
            for (int s = 0; s < sensors; s++) {
                batch.add(coefficient(s, 0, start));
                flushIfFull(store, batch);
            }
            flush(store, batch);
            long withSensors = store.usedMemoryBytes();
            for (int r = sensors; r < records; r++) {
                int sensor = r % sensors;
                long sequence = r / sensors;
                batch.add(coefficient(sensor, sequence, start + r / 10));
                flushIfFull(store, batch);
            }
            flush(store, batch);
            long withRecords = store.usedMemoryBytes();
            double perThousandSensors = (withSensors - empty) * 1000.0 / sensors;
            double perMillionRecords = (withRecords - withSensors) * 1_000_000.0 / (records - sensors);
            System.out.printf(Locale.ROOT, "sensors %d, records %d%n", sensors, records);
            System.out.printf(Locale.ROOT, "redis used_memory: empty %d B, after one record per sensor %d B, after all"
                    + " records %d B%n", empty, withSensors, withRecords);
            System.out.printf(Locale.ROOT, "per 1,000 sensors: %.1f KB%n", perThousandSensors / 1024);
            System.out.printf(Locale.ROOT, "per million records (same sensors, not trimmed): %.1f MB%n",
                    perMillionRecords / 1024 / 1024);
            try (Jedis jedis = new Jedis(URI.create(redis.uri()))) {
                for (String line : jedis.info("commandstats").split("\r?\n")) {
                    if (line.startsWith("cmdstat_evalsha:")) {
                        System.out.println("redis time in scripts: " + line.substring("cmdstat_".length())
                                + " (one call per batch of " + BATCH + ")");
                    }
                }
            }
        }
    }

    private static Coefficient coefficient(int sensor, long sequence, long detectedAt) {
        String id = "air-footprint-host-" + sensor;
        return new Coefficient(CoefficientKind.WELLNESS, new RecordId(id, 1_750_000_000_000_000L + sequence),
                Instant.ofEpochMilli(detectedAt), 0.5 + (sequence % 100) / 1000.0);
    }

    private static void flushIfFull(RedisMeteoStore store, List<Coefficient> batch) {
        if (batch.size() == BATCH) {
            flush(store, batch);
        }
    }

    private static void flush(RedisMeteoStore store, List<Coefficient> batch) {
        if (!batch.isEmpty()) {
            store.storeAll(List.copyOf(batch));
            batch.clear();
        }
    }
}
