package dev.meteo.jmh;

import dev.meteo.model.Coefficient;
import dev.meteo.model.CoefficientKind;
import dev.meteo.model.RecordId;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;
import dev.meteo.testing.RedisProcess;
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
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What waiting for a replica costs a compute server's store: a primary and a replica of the benchmark's own
 * ({@code redis-server} started on free ports, no persistence), one {@code storeAll} of {@code batch} fresh
 * coefficients per operation, as the group-commit writer sends them, with {@code WAIT 1} after the script
 * ({@code replicas = 1}) or without ({@code 0}). The difference is the replica's round trip added to every batch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ReplicatedStoreBenchmark {

    private static final long T0 = 1_750_000_000_000L;

    @Param({"0", "1"})
    public int replicas;

    @Param({"1", "256"})
    public int batch;

    private Path dir;
    private RedisProcess primary;
    private RedisProcess replica;
    private RedisMeteoStore store;
    private long sequence;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("meteo-jmh-replicated");
        primary = RedisProcess.start(dir);
        replica = RedisProcess.replicaOf(primary, dir);
        try (Jedis jedis = primary.connect()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!jedis.info("replication").contains("state=online")) { // past its first full copy
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the replica did not get in sync within 30 s");
                }
                Thread.sleep(50); // set-up only: polling another process
            }
        }
        store = new RedisMeteoStore(RedisSettings.of("redis://127.0.0.1:" + primary.port() + "/0", "meteo-jmh:")
                .withWaitReplicas(replicas, Duration.ofSeconds(1)));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        store.close();
        replica.close();
        primary.close();
    }

    /** One batch of new records (fresh identities, so each is stored, not a duplicate). */
    @Benchmark
    public Object storeBatch() {
        List<Coefficient> coefficients = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            long n = sequence++;
            coefficients.add(new Coefficient(CoefficientKind.WELLNESS, new RecordId("air-" + (n % 100), n),
                    Instant.ofEpochMilli(T0 + n), 0.5));
        }
        return store.storeAll(coefficients);
    }
}
