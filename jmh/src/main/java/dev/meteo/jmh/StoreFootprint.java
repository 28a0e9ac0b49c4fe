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
 * {@code used_memory} per 1,000 sensors and per million records, and Redis's time in the store script per record.
 * Not a JMH benchmark: a measurement of memory, not time; run it with
 * {@code java -cp jmh/target/benchmarks.jar dev.meteo.jmh.StoreFootprint [sensors] [records] [output.json]}
 * (the committed figures: {@code report/results/store-footprint.json}).
 */
public final class StoreFootprint {

    private static final int BATCH = 256;

    public static void main(String[] args) throws Exception {
        int sensors = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int records = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        Path output = args.length > 2 ? Path.of(args[2]) : null;
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
            String version = "?";
            double scriptMicrosPerRecord = Double.NaN;
            try (Jedis jedis = new Jedis(URI.create(redis.uri()))) {
                for (String line : jedis.info("all").split("\\r?\\n")) {
                    if (line.startsWith("redis_version:")) {
                        version = line.substring("redis_version:".length()).strip();
                    }
                    if (line.startsWith("cmdstat_evalsha:")) {
                        long calls = field(line, "calls=");
                        long micros = field(line, "usec=");
                        scriptMicrosPerRecord = micros / (double) records;
                        System.out.printf(Locale.ROOT, "redis time in the store script: %d calls (batches of %d), "
                                + "%.2f us per record%n", calls, BATCH, scriptMicrosPerRecord);
                    }
                }
            }
            if (output != null) {
                Files.writeString(output, String.format(Locale.ROOT, """
                        {"generated_at": "%s", "redis_version": "%s", "sensors": %d, "records": %d,
                         "used_memory_bytes": {"empty": %d, "after_one_record_per_sensor": %d, "after_all_records": %d},
                         "bytes_per_sensor": %.1f, "kb_per_1000_sensors": %.1f, "mb_per_million_records": %.2f,
                         "store_script_us_per_record": %.2f}
                        """, Instant.now(), version, sensors, records, empty, withSensors, withRecords,
                        (withSensors - empty) / (double) sensors, perThousandSensors / 1024,
                        perMillionRecords / 1024 / 1024, scriptMicrosPerRecord));
                System.out.println("written to " + output);
            }
        }
    }

    private static long field(String line, String name) {
        int at = line.indexOf(name) + name.length();
        int end = line.indexOf(',', at);
        return Long.parseLong(line.substring(at, end < 0 ? line.length() : end));
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
