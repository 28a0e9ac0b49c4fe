package dev.meteo.bench;

import dev.meteo.model.Coefficient;
import dev.meteo.model.CoefficientKind;
import dev.meteo.model.RecordId;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;
import dev.meteo.store.StoreOutcome;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ceiling of the Redis store on its own: the store script called by {@link RedisMeteoStore#storeAll} with batches of
 * the pipeline's size, from {@code writers} threads of this process (no gRPC, no broker, no compute server), records of
 * {@code sensors} sensors dated now, for a warm-up and a measured period. Records stored per second. Its own key
 * prefix, the window size set as a proxy would set it (so records go into window aggregates, as in the pipeline),
 * deleted at the end.
 */
final class StoreLimit {

    private final RedisSettings redis;
    private final String prefix;
    private final int batchSize;
    private final int writers;
    private final int sensors;
    private final Duration window;
    private final Duration grace;
    private final Progress progress;

    StoreLimit(RedisSettings redis, String prefix, int batchSize, int writers, int sensors, Duration window,
               Duration grace, Progress progress) {
        this.redis = redis;
        this.prefix = prefix;
        this.batchSize = BenchOptions.positive(batchSize, "the store limit's batch size");
        this.writers = BenchOptions.positive(writers, "--store-writers");
        this.sensors = Math.max(writers, sensors);
        this.window = window;
        this.grace = grace;
        this.progress = progress;
    }

    Map<String, Object> run(Duration warmup, Duration measure) throws Exception {
        String label = "redis store limit (batches of " + batchSize + ")";
        progress.phase(label, writers + " writer threads, records of " + sensors + " sensors");
        try (RedisMeteoStore store = new RedisMeteoStore(RedisSettings.of(redis.uri().toString(), prefix))) {
            store.ping();
            long size = window.toMillis();
            long now = System.currentTimeMillis();
            store.initialiseHorizon(now / size * size - size, size, grace.toMillis(), 0);
            AtomicLong stored = new AtomicLong();
            AtomicLong notStored = new AtomicLong();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                Thread thread = new Thread(() -> write(store, writer, running, stored, notStored, failure),
                        "store-limit-" + w);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
            try {
                CounterRate rate = new CounterRate(stored);
                Ticker ticker = new Ticker();
                long warmupSeconds = warmup.toSeconds();
                for (long s = 1; s <= warmupSeconds; s++) {
                    ticker.awaitSecond();
                    progress.tick(label, "warm-up", s, warmupSeconds, rate.sample());
                }
                long start = stored.get();
                long startNanos = System.nanoTime();
                List<Double> samples = new ArrayList<>();
                long measureSeconds = measure.toSeconds();
                for (long s = 1; s <= measureSeconds; s++) {
                    ticker.awaitSecond();
                    double current = rate.sample();
                    samples.add(PipelineRun.round(current));
                    progress.tick(label, "measure", s, measureSeconds, current);
                    if (failure.get() != null) {
                        break;
                    }
                }
                double seconds = (System.nanoTime() - startNanos) / 1e9;
                long end = stored.get();
                if (failure.get() != null) {
                    throw new IllegalStateException("the store limit failed: " + failure.get().getMessage(), failure.get());
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("per_s", Math.round((end - start) / seconds));
                out.put("what", "RedisMeteoStore.storeAll (the store script, " + batchSize + " records per call) from "
                        + writers + " threads of the bench process, records of " + sensors + " sensors; no gRPC, no broker");
                out.put("batch_size", batchSize);
                out.put("writers", writers);
                out.put("sensors", sensors);
                out.put("not_stored", notStored.get());
                out.put("samples_per_s", samples);
                return out;
            } finally {
                running.set(false);
                for (Thread thread : threads) {
                    thread.join(10_000);
                }
                store.deleteAll();
            }
        }
    }

    /** One writer: its own share of the sensors, each with its own rising sequence, so nothing is a duplicate. */
    private void write(RedisMeteoStore store, int writer, AtomicBoolean running, AtomicLong stored, AtomicLong notStored,
                       AtomicReference<Throwable> failure) {
        int mine = sensors / writers;
        long[] sequences = new long[mine];
        int next = 0;
        try {
            while (running.get()) {
                Instant now = Instant.now();
                List<Coefficient> batch = new ArrayList<>(batchSize);
                for (int i = 0; i < batchSize; i++) {
                    int sensor = next;
                    next = (next + 1) % mine;
                    boolean air = sensor % 2 == 0;
                    batch.add(new Coefficient(air ? CoefficientKind.WELLNESS : CoefficientKind.POLLUTION,
                            new RecordId((air ? "air-" : "pollution-") + writer + "-" + sensor, ++sequences[sensor]),
                            now, 0.5));
                }
                List<StoreOutcome> outcomes = store.storeAll(batch);
                long ok = outcomes.stream().filter(outcome -> outcome == StoreOutcome.STORED).count();
                stored.addAndGet(ok);
                notStored.addAndGet(outcomes.size() - ok);
            }
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
    }

    /** Per second since the previous call, of a counter of this process. */
    private static final class CounterRate {
        private final AtomicLong counter;
        private long lastValue;
        private long lastNanos = System.nanoTime();

        CounterRate(AtomicLong counter) {
            this.counter = counter;
            this.lastValue = counter.get();
        }

        double sample() {
            long value = counter.get();
            long nanos = System.nanoTime();
            double rate = nanos > lastNanos ? (value - lastValue) * 1e9 / (nanos - lastNanos) : 0;
            lastValue = value;
            lastNanos = nanos;
            return rate;
        }
    }
}
