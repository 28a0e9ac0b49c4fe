package dev.meteo.jmh;

import dev.meteo.model.Coefficient;
import dev.meteo.model.CoefficientKind;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.RecordId;
import dev.meteo.model.WindowResult;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What closing one window costs the proxy, against the real Redis (127.0.0.1:6379, or {@code METEO_BENCH_REDIS_URI}):
 * the window [T0, T0 + 1 s) holds {@code records} coefficients per kind, stored and closed once in the set-up; each
 * operation builds the window's result from the store as the aggregator does at close (both kinds' statistics and the
 * late count). The close script itself is one constant-time call and is left out.
 *
 * <p>{@code approach}: {@code aggregate} reads the window's aggregate, kept up to date by every store (one hash field
 * per kind, whatever the records); {@code read-everything} is the way before it, kept as the baseline: the
 * coefficients' identities by detection time (ZRANGEBYSCORE), their values (HMGET), the statistics computed in the
 * proxy. The store still reads that way while no proxy has set the window size, which is how the baseline is set up.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class WindowCloseBenchmark {

    private static final long T0 = 1_750_000_000_000L;
    private static final long WINDOW = 1_000;

    @Param({"100", "50000"})
    public int records;

    @Param({"aggregate", "read-everything"})
    public String approach;

    private RedisMeteoStore store;

    @Setup(Level.Trial)
    public void setUp() {
        String uri = System.getenv().getOrDefault("METEO_BENCH_REDIS_URI", RedisSettings.DEFAULT_URI);
        store = new RedisMeteoStore(RedisSettings.of(uri, "meteo-jmh:" + UUID.randomUUID() + ":"));
        boolean aggregate = approach.equals("aggregate");
        if (aggregate) {
            store.initialiseHorizon(T0, WINDOW, 0, Long.MIN_VALUE); // sets the window size: stores keep aggregates
        } else if (!approach.equals("read-everything")) {
            throw new IllegalArgumentException("approach is aggregate or read-everything, not " + approach);
        }
        SplittableRandom random = new SplittableRandom(1);
        List<Coefficient> batch = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            Instant at = Instant.ofEpochMilli(T0 + random.nextLong(WINDOW));
            batch.add(new Coefficient(CoefficientKind.WELLNESS, new RecordId("air-" + (i % 1000), i), at, random.nextDouble()));
            batch.add(new Coefficient(CoefficientKind.POLLUTION, new RecordId("co2-" + (i % 1000), i), at, random.nextDouble()));
            if (batch.size() >= 1000) {
                store.storeAll(batch);
                batch.clear();
            }
        }
        store.storeAll(batch);
        if (!aggregate) {
            return; // no window size, no close: the values wait in pending, read back at every close
        }
        if (!store.acquireLease("jmh", Duration.ofHours(1))) {
            throw new IllegalStateException("could not take the lease of a fresh prefix");
        }
        store.closeWindow("jmh", T0, T0 + WINDOW, T0 + WINDOW);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.deleteAll();
        store.close();
    }

    /** The result of the closed window, as {@code WindowAggregator} builds it at close. */
    @Benchmark
    public WindowResult resultOfClosedWindow() {
        KindStatistics wellness = store.windowStatistics(CoefficientKind.WELLNESS, T0, T0 + WINDOW);
        KindStatistics pollution = store.windowStatistics(CoefficientKind.POLLUTION, T0, T0 + WINDOW);
        return new WindowResult(Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + WINDOW), wellness, pollution,
                store.lateCount());
    }
}
