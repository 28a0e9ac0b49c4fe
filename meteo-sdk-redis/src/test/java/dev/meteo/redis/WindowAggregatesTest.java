package dev.meteo.redis;

import dev.meteo.model.Coefficient;
import dev.meteo.model.CoefficientKind;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.RecordId;
import dev.meteo.store.SensorCounts;
import dev.meteo.store.StoreOutcome;
import dev.meteo.store.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The per-window aggregates the store keeps with every store give the results the proxy computed from the stored
 * coefficients before ({@link KindStatistics#of}, two passes): the same counts, min, max and latest, mean and
 * population stddev within 1e-9, on the same records, with duplicates, rejections and late records among them, stored
 * in any order and in batches of any size. The reference is a model of the store's rules run in the order the records
 * were stored: the first classification of an identity wins; a record detected before the closed horizon is late.
 */
class WindowAggregatesTest {

    private static final long Y = 1_000;
    private static final long T0 = 1_750_000_000_000L; // a multiple of Y
    private static final int WINDOWS = 5;

    private final RedisMeteoStore store = new RedisMeteoStore(RedisSettings.of(
            System.getenv().getOrDefault("METEO_TEST_REDIS_URI", RedisSettings.DEFAULT_URI),
            "meteo-test:" + UUID.randomUUID() + ":"));

    @AfterEach
    void cleanUp() {
        store.deleteAll();
        store.close();
    }

    /** The store's rules, applied to records one at a time in the order they are stored. */
    private static final class Model {
        final Set<String> known = new HashSet<>();
        final Map<String, List<KindStatistics.Sample>> windows = new HashMap<>();
        final Map<String, long[]> perSensor = new TreeMap<>(); // stored, late, rejected
        long closed = Long.MIN_VALUE;

        StoreOutcome store(Coefficient c) {
            if (!known.add(c.recordId().key())) {
                return StoreOutcome.DUPLICATE;
            }
            long at = c.detectedAt().toEpochMilli();
            long[] counts = perSensor.computeIfAbsent(c.recordId().sensorId(), s -> new long[3]);
            if (at < closed) {
                counts[1]++;
                return StoreOutcome.LATE;
            }
            windows.computeIfAbsent(Math.floorDiv(at, Y) * Y + ":" + c.kind(), w -> new ArrayList<>())
                    .add(new KindStatistics.Sample(at, c.value()));
            counts[0]++;
            return StoreOutcome.STORED;
        }

        boolean reject(RecordId id) {
            if (!known.add(id.key())) {
                return false;
            }
            perSensor.computeIfAbsent(id.sensorId(), s -> new long[3])[2]++;
            return true;
        }

        KindStatistics statistics(long start, CoefficientKind kind) {
            return KindStatistics.of(windows.getOrDefault(start + ":" + kind, List.of()));
        }

        Map<String, SensorCounts> sensorCounts() {
            Map<String, SensorCounts> out = new TreeMap<>();
            perSensor.forEach((sensor, c) -> out.put(sensor, new SensorCounts(c[0], c[1], c[2])));
            return out;
        }
    }

    /** Records over the windows, about one in ten a repeat of an earlier identity (with another value or time). */
    private static List<Coefficient> records(SplittableRandom random, int count, double offset, double spread) {
        List<Coefficient> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (i > 0 && random.nextInt(10) == 0) {
                Coefficient earlier = records.get(random.nextInt(records.size()));
                records.add(new Coefficient(earlier.kind(), earlier.recordId(),
                        Instant.ofEpochMilli(T0 + random.nextLong(WINDOWS * Y)), offset + random.nextDouble() * spread));
                continue;
            }
            CoefficientKind kind = random.nextBoolean() ? CoefficientKind.WELLNESS : CoefficientKind.POLLUTION;
            String sensor = (kind == CoefficientKind.WELLNESS ? "air-" : "co2-") + random.nextInt(40);
            records.add(new Coefficient(kind, new RecordId(sensor, i), Instant.ofEpochMilli(T0 + random.nextLong(WINDOWS * Y)),
                    offset + random.nextDouble() * spread));
        }
        return records;
    }

    /** Stores in batches of random sizes, checking each record's outcome against the model. */
    private void storeInBatches(List<Coefficient> records, Model model, SplittableRandom random) {
        for (int from = 0; from < records.size(); ) {
            int to = Math.min(records.size(), from + 1 + random.nextInt(700));
            List<Coefficient> batch = records.subList(from, to);
            List<StoreOutcome> expected = batch.stream().map(model::store).toList();
            assertEquals(expected, store.storeAll(batch), "outcomes of records " + from + ".." + to);
            from = to;
        }
    }

    private void assertSameStatistics(Model model) {
        assertSameStatistics(model, 1e-9);
    }

    private void assertSameStatistics(Model model, double meanTolerance) {
        for (long start = T0; start < T0 + WINDOWS * Y; start += Y) {
            for (CoefficientKind kind : CoefficientKind.values()) {
                KindStatistics expected = model.statistics(start, kind);
                KindStatistics actual = store.windowStatistics(kind, start, start + Y);
                String what = kind + " of window " + (start - T0) / Y;
                assertEquals(expected.count(), actual.count(), what + ": count");
                if (expected.isEmpty()) {
                    assertEquals(KindStatistics.EMPTY, actual, what);
                    continue;
                }
                assertEquals(expected.mean(), actual.mean(), meanTolerance, what + ": mean");
                assertEquals(expected.stddev(), actual.stddev(), 1e-9, what + ": stddev");
                assertEquals(expected.min(), actual.min(), 0, what + ": min");
                assertEquals(expected.max(), actual.max(), 0, what + ": max");
                assertEquals(expected.latest(), actual.latest(), what + ": latest");
            }
        }
    }

    @Test
    void windowResultsFromAggregatesEqualThoseComputedFromEveryCoefficientWithDuplicatesRejectionsAndLateRecords() {
        SplittableRandom random = new SplittableRandom(13);
        Model model = new Model();
        store.initialiseHorizon(T0, Y, 0, Long.MIN_VALUE);
        List<Coefficient> records = records(random, 6_000, 0, 1);
        for (int i = 0; i < 100; i++) { // rejected first: a later store of the identity is a duplicate
            RecordId id = records.get(random.nextInt(records.size())).recordId();
            assertEquals(model.reject(id), store.recordRejected(id, "invalid"));
        }
        storeInBatches(records.subList(0, 4_000), model, random);

        assertEquals(true, store.acquireLease("test", Duration.ofMinutes(1)));
        assertEquals(WindowStore.CloseOutcome.CLOSED, store.closeWindow("test", T0, T0 + Y, T0 + Y));
        assertEquals(WindowStore.CloseOutcome.CLOSED, store.closeWindow("test", T0 + Y, T0 + 2 * Y, T0 + 2 * Y));
        model.closed = T0 + 2 * Y;
        storeInBatches(records.subList(4_000, records.size()), model, random); // those in the first two windows: late

        assertSameStatistics(model);
        assertEquals(model.sensorCounts(), store.sensorCounts());
        long late = model.perSensor.values().stream().mapToLong(c -> c[1]).sum();
        assertEquals(late, store.lateCount());
        assertEquals(true, late > 0, "the scenario has late records");
    }

    @Test
    void recordsStoredBeforeTheFirstProxyAreFoldedIntoTheirWindowsWhenItStarts() {
        SplittableRandom random = new SplittableRandom(7);
        Model model = new Model();
        List<Coefficient> records = records(random, 3_000, 0, 1);
        storeInBatches(records.subList(0, 2_000), model, random); // window size unknown yet: kept aside
        assertEquals(0, store.windowSizeMillis());

        store.initialiseHorizon(T0 + WINDOWS * Y, Y, 0, Long.MIN_VALUE);
        assertEquals(Y, store.windowSizeMillis());
        storeInBatches(records.subList(2_000, records.size()), model, random);
        assertSameStatistics(model);
        assertEquals(model.sensorCounts(), store.sensorCounts());
    }

    @Test
    void theStddevKeepsItsPrecisionWhereASumOfSquaresWouldCancel() {
        // values 1e6 + [0, 0.001): a sum of squares (about 1e12 per value) has no digit left for a spread of 3e-4
        SplittableRandom random = new SplittableRandom(3);
        Model model = new Model();
        store.initialiseHorizon(T0, Y, 0, Long.MIN_VALUE);
        List<Coefficient> records = records(random, 4_000, 1e6, 1e-3);
        storeInBatches(records, model, random);
        // the mean of values near 1e6 is good to its last digits (a few 1e-10 here, in either computation)
        assertSameStatistics(model, 1e6 * 1e-14);
    }

    @Test
    void aRangeThatIsNotOneOfTheDeploymentsWindowsIsRefused() {
        store.initialiseHorizon(T0, Y, 0, Long.MIN_VALUE);
        assertThrows(IllegalArgumentException.class, () -> store.windowStatistics(CoefficientKind.WELLNESS, T0, T0 + 2 * Y));
        assertThrows(IllegalArgumentException.class, () -> store.windowStatistics(CoefficientKind.WELLNESS, T0 + 1, T0 + Y + 1));
    }

    @Test
    void trimmingDropsTheAggregatesOfOldWindowsOnlyAndNoIdentity() {
        store.initialiseHorizon(T0, Y, 0, Long.MIN_VALUE);
        Coefficient old = new Coefficient(CoefficientKind.WELLNESS, new RecordId("a", 1), Instant.ofEpochMilli(T0 + 10), 0.1);
        Coefficient recent = new Coefficient(CoefficientKind.WELLNESS, new RecordId("a", 2), Instant.ofEpochMilli(T0 + Y + 10), 0.3);
        store.storeAll(List.of(old, recent));
        store.trim(T0 + Y, Long.MIN_VALUE, Duration.ofHours(1), Duration.ofHours(24));
        assertEquals(KindStatistics.EMPTY, store.windowStatistics(CoefficientKind.WELLNESS, T0, T0 + Y));
        assertEquals(1, store.windowStatistics(CoefficientKind.WELLNESS, T0 + Y, T0 + 2 * Y).count());
        assertEquals(1, store.storedCount(CoefficientKind.WELLNESS));
        assertEquals(List.of(StoreOutcome.DUPLICATE, StoreOutcome.DUPLICATE), store.storeAll(List.of(old, recent)),
                "identities outlive their windows' statistics");
    }
}
