package dev.meteo.jmh;

import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.formula.MeteoDataDetector;
import dev.meteo.formula.MeteoDataProcessor;
import dev.meteo.model.Coefficient;
import dev.meteo.model.RawMeteoData;
import dev.meteo.model.RawPollutionData;
import dev.meteo.model.RecordId;
import dev.meteo.store.CoefficientStore;
import dev.meteo.store.StoreOutcome;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Records per second the processor turns into coefficients (delay 0, one thread): air wellness (two table lookups and a
 * harmonic mean) and the pollution coefficient (one lookup), on readings drawn by the real detector so the lookups
 * land all over the tables. {@code coefficientOf*} adds what a compute node does around the formula (type dispatch,
 * building the {@link Coefficient}); it stores nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ProcessorBenchmark {

    private static final int READINGS = 4096; // a power of two: the index wraps with a mask

    private final MeteoDataProcessor processor = new MeteoDataProcessor();
    private final double[] temperatures = new double[READINGS];
    private final double[] humidities = new double[READINGS];
    private final int[] co2s = new int[READINGS];
    private final RawMeteoData[] airRecords = new RawMeteoData[READINGS];
    private final RawPollutionData[] pollutionRecords = new RawPollutionData[READINGS];
    private ComputeNode node;
    private int next;

    @Setup
    public void setUp() {
        SplittableRandom seeds = new SplittableRandom(1);
        Instant now = Instant.now();
        for (int i = 0; i < READINGS; i++) {
            // a fresh detector per reading: each has its own sub-range, so readings cover the whole accepted range
            MeteoDataDetector detector = new MeteoDataDetector(new SplittableRandom(seeds.nextLong()));
            MeteoDataDetector.AirReading air = detector.analyzeAir();
            temperatures[i] = air.temperature();
            humidities[i] = air.humidity();
            co2s[i] = detector.analyzePollution();
            airRecords[i] = new RawMeteoData("air-1", i, now, air.temperature(), air.humidity());
            pollutionRecords[i] = new RawPollutionData("co2-1", i, now, co2s[i]);
        }
        node = new ComputeNode(ComputeSettings.of("bench"), new DiscardingStore(), Clock.systemUTC());
    }

    @TearDown
    public void tearDown() {
        node.close();
    }

    private int index() {
        return next++ & (READINGS - 1);
    }

    @Benchmark
    public double airWellness() {
        int i = index();
        return processor.airWellness(temperatures[i], humidities[i]);
    }

    @Benchmark
    public double pollutionCoefficient() {
        return processor.pollutionCoefficient(co2s[index()]);
    }

    @Benchmark
    public Coefficient coefficientOfAirRecord() {
        return node.coefficientOf(airRecords[index()]);
    }

    @Benchmark
    public Coefficient coefficientOfPollutionRecord() {
        return node.coefficientOf(pollutionRecords[index()]);
    }

    /** The benchmarks never store; a node needs a store all the same. */
    private static final class DiscardingStore implements CoefficientStore {
        @Override
        public List<StoreOutcome> storeAll(List<Coefficient> coefficients) {
            return coefficients.stream().map(c -> StoreOutcome.STORED).toList();
        }

        @Override
        public boolean recordRejected(RecordId recordId, String reason) {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
