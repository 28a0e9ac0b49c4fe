package dev.meteo.testing;

import dev.meteo.model.Coefficient;
import dev.meteo.model.CoefficientKind;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.RecordId;
import dev.meteo.model.WindowResult;
import dev.meteo.store.CoefficientStore;
import dev.meteo.store.HorizonMovedException;
import dev.meteo.store.LeaseLostException;
import dev.meteo.store.SensorCounts;
import dev.meteo.store.StoreOutcome;
import dev.meteo.store.StoreUnavailableException;
import dev.meteo.store.WindowStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Both store ports in memory, with the Redis store's behaviour (the same {@link StoreContractTest}): identities per
 * sensor as ranges of classified sequences (at most {@value #MAX_RANGES}, the lowest hole given up beyond), windows'
 * running statistics, horizons and the lease on this store's own clock, results saved at close, the trim. As
 * {@code InMemorySpanExporter} is to OpenTelemetry: for the core's tests and the deterministic simulation, never in
 * place of Redis in a storage or end-to-end test.
 *
 * <p>A simulator can make it fail: {@link #setUnavailable} (every call throws {@link StoreUnavailableException}, as a
 * Redis that does not answer), {@link #setFull} (stores and rejections are refused before changing anything while the
 * proxy's calls go on, as Redis at {@code maxmemory} with {@code noeviction}), {@link #loseEverything} (as a Redis
 * restarted without persistence). Thread-safe; every call is atomic, as a Lua script is.
 *
 * <p>{@link #forgettingIdentitiesAtTrim()} makes one that emulates the design before identities per sensor, to show
 * that the tests built on this store find the double count that design allowed.
 */
public final class InMemoryStore implements CoefficientStore, WindowStore {

    /** As {@code RedisMeteoStore.MAX_RANGES}. */
    public static final int MAX_RANGES = 16_384;
    private static final int RECENT_REJECTIONS = 100;

    private static final class SensorState {
        final TreeMap<Long, Long> ranges = new TreeMap<>(); // first -> last, disjoint, not adjacent
        /**
         * Only when identities are forgotten at trim: sequence -> the time the trim compares with its cutoff, as the
         * previous design kept them: a stored record's detection time, a late or rejected one's classification time.
         */
        final TreeMap<Long, Long> forgettableAt = new TreeMap<>();
        long stored;
        long late;
        long rejected;
        long lastActiveMillis;
    }

    private final Clock clock;
    private final boolean identitiesForgottenAtTrim;
    private final int maxRanges;
    private final Map<String, SensorState> sensors = new HashMap<>();
    private final Map<String, double[]> aggregates = new HashMap<>(); // "<start>:<kind>" -> n mean m2 min max latest
    private final Map<CoefficientKind, Map<String, double[]>> pending = new HashMap<>(); // id -> at, value
    private final NavigableMap<Long, WindowResult> results = new TreeMap<>();
    private final Map<String, String> sensorlessRejections = new HashMap<>();
    private final Map<String, Long> sensorlessRejectedAt = new HashMap<>();
    private final Deque<String> recentRejections = new ArrayDeque<>();
    private final Map<String, Long> proxiesSeen = new LinkedHashMap<>();
    private Long closed;
    private Long published;
    private long windowSize;
    private long grace = -1;
    private String epoch;
    private String leaseOwner;
    private long leaseExpires;
    private long late;
    private long rejected;
    private long holesGivenUp;
    private boolean unavailable;
    private boolean full;

    /** A store whose clock (the time of leases and closes, which every proxy shares) is {@code clock}. */
    public InMemoryStore(Clock clock) {
        this(clock, false, MAX_RANGES);
    }

    private InMemoryStore(Clock clock, boolean identitiesForgottenAtTrim, int maxRanges) {
        this.clock = clock;
        this.identitiesForgottenAtTrim = identitiesForgottenAtTrim;
        this.maxRanges = maxRanges;
    }

    /**
     * Test only: a store that keeps at most {@code maxRanges} ranges per sensor, as an early version of identities per
     * sensor kept 64: under load the holes of records still in flight are given up, and those records, when they
     * arrive, are taken for copies and counted nowhere. To show that the tests built on this store find that loss.
     */
    public static InMemoryStore withRangeLimit(Clock clock, int maxRanges) {
        return new InMemoryStore(clock, false, maxRanges);
    }

    /**
     * Test only: a store that emulates the previous design, in which identities were kept only for the retention:
     * {@link #trim}'s {@code windowsBeforeMillis} also forgets the identities of the records stored in windows detected
     * before it, and of the late and rejected records classified (by this store's clock) before it. A copy of such a
     * record arriving afterwards (a compute server paused past the retention) is counted again, late or rejected,
     * although it was counted already: the double count that identities per sensor fixed. Never for anything but
     * showing that a test finds that bug.
     */
    public static InMemoryStore forgettingIdentitiesAtTrim(Clock clock) {
        return new InMemoryStore(clock, true, MAX_RANGES);
    }

    /** A store on the system clock. */
    public InMemoryStore() {
        this(Clock.systemUTC());
    }

    /** While {@code true}, every call throws {@link StoreUnavailableException} and changes nothing. */
    public synchronized void setUnavailable(boolean unavailable) {
        this.unavailable = unavailable;
    }

    /** While {@code true}, stores and rejections throw {@link StoreUnavailableException} and change nothing. */
    public synchronized void setFull(boolean full) {
        this.full = full;
    }

    /** Forgets everything, as a Redis restarted without persistence: the aggregators must notice and stop. */
    public synchronized void loseEverything() {
        sensors.clear();
        aggregates.clear();
        pending.clear();
        results.clear();
        sensorlessRejections.clear();
        sensorlessRejectedAt.clear();
        recentRejections.clear();
        proxiesSeen.clear();
        closed = null;
        published = null;
        windowSize = 0;
        grace = -1;
        epoch = null;
        leaseOwner = null;
        leaseExpires = 0;
        late = 0;
        rejected = 0;
        holesGivenUp = 0;
    }

    private void answering() {
        if (unavailable) {
            throw new StoreUnavailableException("the in-memory store is unavailable (a simulated outage)", null);
        }
    }

    private void roomForWrites() {
        answering();
        if (full) {
            throw new StoreUnavailableException("the in-memory store is full (a simulated maxmemory): the write was "
                    + "refused, nothing changed", null);
        }
    }

    private long now() {
        return clock.millis();
    }

    // ---- identities ----

    /** Adds {@code sequence} to the sensor's classified ones; false when it was there (a copy). */
    private static boolean claim(SensorState sensor, long sequence) {
        Map.Entry<Long, Long> below = sensor.ranges.floorEntry(sequence);
        if (below != null && sequence <= below.getValue()) {
            return false;
        }
        boolean extendsLeft = below != null && below.getValue() != Long.MAX_VALUE && below.getValue() + 1 == sequence;
        Long nextStart = sequence == Long.MAX_VALUE ? null : sensor.ranges.ceilingKey(sequence + 1);
        boolean extendsRight = nextStart != null && nextStart == sequence + 1;
        if (extendsLeft && extendsRight) {
            long last = sensor.ranges.remove(nextStart);
            sensor.ranges.put(below.getKey(), last);
        } else if (extendsLeft) {
            sensor.ranges.put(below.getKey(), sequence);
        } else if (extendsRight) {
            long last = sensor.ranges.remove(nextStart);
            sensor.ranges.put(sequence, last);
        } else {
            sensor.ranges.put(sequence, sequence);
        }
        return true;
    }

    private SensorState sensor(String id) {
        return sensors.computeIfAbsent(id, ignored -> new SensorState());
    }

    private void touched(SensorState sensor) {
        sensor.lastActiveMillis = now();
        while (sensor.ranges.size() > maxRanges) {
            Map.Entry<Long, Long> first = sensor.ranges.pollFirstEntry();
            Map.Entry<Long, Long> second = sensor.ranges.pollFirstEntry();
            sensor.ranges.put(first.getKey(), second.getValue());
            holesGivenUp++;
        }
    }

    /** Takes {@code sequence} out of the sensor's classified ones (the previous design's trim only). */
    private static void forget(SensorState sensor, long sequence) {
        Map.Entry<Long, Long> range = sensor.ranges.floorEntry(sequence);
        if (range == null || sequence > range.getValue()) {
            return;
        }
        long first = range.getKey();
        long last = range.getValue();
        sensor.ranges.remove(first);
        if (first < sequence) {
            sensor.ranges.put(first, sequence - 1);
        }
        if (sequence < last) {
            sensor.ranges.put(sequence + 1, last);
        }
    }

    /** The sequences of {@code sensorId} classified so far, as {@code [first, last]} pairs in increasing order. */
    public synchronized List<long[]> classifiedSequences(String sensorId) {
        SensorState sensor = sensors.get(sensorId);
        List<long[]> ranges = new ArrayList<>();
        if (sensor != null) {
            sensor.ranges.forEach((first, last) -> ranges.add(new long[] {first, last}));
        }
        return ranges;
    }

    /** Holes given up over all sensors, ever (beyond {@value #MAX_RANGES} ranges, or when a sensor was retired). */
    public synchronized long holesGivenUp() {
        return holesGivenUp;
    }

    // ---- CoefficientStore ----

    @Override
    public synchronized List<StoreOutcome> storeAll(List<Coefficient> coefficients) {
        roomForWrites();
        List<StoreOutcome> outcomes = new ArrayList<>(coefficients.size());
        for (Coefficient c : coefficients) {
            String id = c.recordId().sensorId();
            if (id.isEmpty()) {
                throw new IllegalArgumentException("a coefficient needs a sensor id: " + c.recordId());
            }
            SensorState sensor = sensor(id);
            long at = c.detectedAt().toEpochMilli();
            if (!claim(sensor, c.recordId().sequence())) {
                outcomes.add(StoreOutcome.DUPLICATE);
                touched(sensor);
                continue;
            }
            if (closed != null && at < closed) {
                if (identitiesForgottenAtTrim) {
                    sensor.forgettableAt.put(c.recordId().sequence(), now());
                }
                sensor.late++;
                late++;
                outcomes.add(StoreOutcome.LATE);
            } else {
                if (windowSize > 0) {
                    aggregate(Math.floorDiv(at, windowSize) * windowSize, c.kind(), c.value(), at);
                } else {
                    pending.computeIfAbsent(c.kind(), k -> new LinkedHashMap<>()).put(c.recordId().key(),
                            new double[] {at, c.value()});
                }
                if (identitiesForgottenAtTrim) {
                    sensor.forgettableAt.put(c.recordId().sequence(), at);
                }
                sensor.stored++;
                outcomes.add(StoreOutcome.STORED);
            }
            touched(sensor);
        }
        return outcomes;
    }

    private void aggregate(long windowStart, CoefficientKind kind, double x, long at) {
        double[] a = aggregates.computeIfAbsent(windowStart + ":" + kind.label(), k -> new double[] {0, 0, 0, x, x, at});
        double n = a[0] + 1;
        double delta = x - a[1];
        double mean = a[1] + delta / n;
        a[0] = n;
        a[1] = mean;
        a[2] += delta * (x - mean);
        a[3] = Math.min(a[3], x);
        a[4] = Math.max(a[4], x);
        a[5] = Math.max(a[5], at);
    }

    @Override
    public synchronized boolean recordRejected(RecordId recordId, String reason) {
        roomForWrites();
        if (recordId.sensorId().isEmpty()) {
            if (sensorlessRejections.containsKey(recordId.key())) {
                return false;
            }
            sensorlessRejections.put(recordId.key(), reason);
            sensorlessRejectedAt.put(recordId.key(), now());
        } else {
            SensorState sensor = sensor(recordId.sensorId());
            if (!claim(sensor, recordId.sequence())) {
                return false;
            }
            if (identitiesForgottenAtTrim) {
                sensor.forgettableAt.put(recordId.sequence(), now());
            }
            sensor.rejected++;
            touched(sensor);
        }
        rejected++;
        recentRejections.addFirst(recordId.key() + " " + reason);
        if (recentRejections.size() > RECENT_REJECTIONS) {
            recentRejections.removeLast();
        }
        return true;
    }

    /** The most recent rejections, newest first, as {@code "<record id> <reason>"}. */
    public synchronized List<String> recentRejections(int limit) {
        return recentRejections.stream().limit(limit).toList();
    }

    // ---- WindowStore ----

    @Override
    public synchronized boolean acquireLease(String owner, Duration ttl) {
        answering();
        long now = now();
        proxiesSeen.put(owner, now);
        if (leaseOwner == null || leaseOwner.equals(owner) || leaseExpires <= now) {
            leaseOwner = owner;
            leaseExpires = now + ttl.toMillis();
            return true;
        }
        return false;
    }

    @Override
    public synchronized void releaseLease(String owner) {
        answering();
        if (owner.equals(leaseOwner)) {
            leaseOwner = null;
            leaseExpires = 0;
        }
    }

    @Override
    public synchronized String leaseHolder() {
        answering();
        return leaseOwner != null && leaseExpires > now() ? leaseOwner : null;
    }

    private void fence(String owner) {
        if (!owner.equals(leaseOwner) || leaseExpires <= now()) {
            throw new LeaseLostException("proxy lease lost by " + owner + ": LEASE held by " + leaseOwner
                    + (owner.equals(leaseOwner) ? " (expired)" : ""));
        }
    }

    @Override
    public synchronized long initialiseHorizon(long horizonMillis, long windowSizeMillis, long graceMillis,
                                               long floorMillis) {
        answering();
        if (closed != null) {
            if (grace < 0) {
                grace = graceMillis;
            }
            return closed;
        }
        long horizon = Math.min(horizonMillis, Math.floorDiv(now() - graceMillis, windowSizeMillis) * windowSizeMillis);
        Long earliest = null;
        for (Map.Entry<CoefficientKind, Map<String, double[]>> kind : pending.entrySet()) {
            for (Map.Entry<String, double[]> entry : kind.getValue().entrySet()) {
                long at = (long) entry.getValue()[0];
                if (at < floorMillis) {
                    SensorState sensor = sensor(entry.getKey().substring(0, entry.getKey().lastIndexOf('#')));
                    sensor.stored--;
                    sensor.late++;
                    late++;
                } else {
                    aggregate(Math.floorDiv(at, windowSizeMillis) * windowSizeMillis, kind.getKey(),
                            entry.getValue()[1], at);
                    earliest = earliest == null ? at : Math.min(earliest, at);
                }
            }
        }
        pending.clear();
        if (earliest != null) {
            horizon = Math.min(horizon, Math.floorDiv(earliest, windowSizeMillis) * windowSizeMillis);
        }
        closed = horizon;
        if (published == null) {
            published = horizon;
        }
        if (epoch == null) {
            epoch = UUID.randomUUID().toString();
        }
        windowSize = windowSizeMillis;
        grace = graceMillis;
        return horizon;
    }

    @Override
    public synchronized String epoch() {
        answering();
        return epoch;
    }

    @Override
    public synchronized long closedHorizon() {
        answering();
        return closed == null ? Long.MIN_VALUE : closed;
    }

    @Override
    public synchronized long publishedHorizon() {
        answering();
        return published == null ? Long.MIN_VALUE : published;
    }

    @Override
    public synchronized CloseOutcome closeWindow(String owner, long start, long end, long closeAtMillis) {
        answering();
        fence(owner);
        if (now() < closeAtMillis) {
            return CloseOutcome.NOT_DUE;
        }
        if (closed == null || closed != start) {
            throw new HorizonMovedException("cannot close window [" + start + ", " + end + "): HORIZON is " + closed
                    + ", not " + start);
        }
        closed = end;
        results.putIfAbsent(end, new WindowResult(Instant.ofEpochMilli(start), Instant.ofEpochMilli(end),
                statistics(start, CoefficientKind.WELLNESS), statistics(start, CoefficientKind.POLLUTION), late));
        return CloseOutcome.CLOSED;
    }

    private KindStatistics statistics(long start, CoefficientKind kind) {
        double[] a = aggregates.get(start + ":" + kind.label());
        return a == null ? KindStatistics.EMPTY
                : KindStatistics.ofMoments((long) a[0], a[1], a[2], a[3], a[4], (long) a[5]);
    }

    @Override
    public synchronized KindStatistics windowStatistics(CoefficientKind kind, long start, long end) {
        answering();
        if (windowSize == 0) {
            List<KindStatistics.Sample> samples = new ArrayList<>();
            pending.getOrDefault(kind, Map.of()).values().stream().filter(p -> p[0] >= start && p[0] < end)
                    .forEach(p -> samples.add(new KindStatistics.Sample((long) p[0], p[1])));
            return KindStatistics.of(samples);
        }
        if (end - start != windowSize || Math.floorMod(start, windowSize) != 0) {
            throw new IllegalArgumentException("[" + start + ", " + end + ") is not a window of this deployment, "
                    + "whose windows are " + windowSize + " ms long (set by its first proxy)");
        }
        return statistics(start, kind);
    }

    @Override
    public synchronized long windowSizeMillis() {
        answering();
        return windowSize;
    }

    @Override
    public synchronized long graceMillis() {
        answering();
        return grace;
    }

    @Override
    public synchronized void markPublished(String owner, long end) {
        answering();
        fence(owner);
        if (published == null || end > published) {
            published = end;
        }
    }

    @Override
    public synchronized List<WindowResult> resultsBetween(long afterEndMillis, long upToEndMillis) {
        answering();
        if (afterEndMillis >= upToEndMillis) {
            return List.of();
        }
        return List.copyOf(results.subMap(afterEndMillis, false, upToEndMillis, true).values());
    }

    @Override
    public synchronized long lateCount() {
        answering();
        return late;
    }

    @Override
    public synchronized long rejectedCount() {
        answering();
        return rejected;
    }

    @Override
    public synchronized Map<String, SensorCounts> sensorCounts() {
        answering();
        Map<String, SensorCounts> counts = new TreeMap<>();
        sensors.forEach((id, s) -> counts.put(id, new SensorCounts(s.stored, s.late, s.rejected)));
        return counts;
    }

    /** Records of one kind stored in windows (not late), over the windows kept, and those before the first proxy. */
    public synchronized long storedCount(CoefficientKind kind) {
        String suffix = ":" + kind.label();
        long count = pending.getOrDefault(kind, Map.of()).size();
        for (Map.Entry<String, double[]> entry : aggregates.entrySet()) {
            if (entry.getKey().endsWith(suffix)) {
                count += (long) entry.getValue()[0];
            }
        }
        return count;
    }

    @Override
    public synchronized void trim(long windowsBeforeMillis, long resultsBeforeMillis, Duration sensorlessRetention,
                                  Duration sensorIdle) {
        answering();
        aggregates.keySet().removeIf(field -> Long.parseLong(field.substring(0, field.indexOf(':'))) < windowsBeforeMillis);
        if (identitiesForgottenAtTrim) {
            for (SensorState sensor : sensors.values()) {
                for (Iterator<Map.Entry<Long, Long>> it = sensor.forgettableAt.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<Long, Long> record = it.next();
                    if (record.getValue() < windowsBeforeMillis) {
                        forget(sensor, record.getKey());
                        it.remove();
                    }
                }
            }
        }
        results.headMap(resultsBeforeMillis, false).clear();
        long now = now();
        for (Iterator<Map.Entry<String, Long>> it = sensorlessRejectedAt.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> entry = it.next();
            if (entry.getValue() <= now - sensorlessRetention.toMillis()) {
                sensorlessRejections.remove(entry.getKey());
                it.remove();
            }
        }
        for (SensorState sensor : sensors.values()) {
            if (sensor.ranges.size() > 1 && sensor.lastActiveMillis <= now - sensorIdle.toMillis()) {
                holesGivenUp += sensor.ranges.size() - 1;
                long first = sensor.ranges.firstKey();
                long last = sensor.ranges.lastEntry().getValue();
                sensor.ranges.clear();
                sensor.ranges.put(first, last);
            }
        }
    }

    @Override
    public void close() {
    }
}
