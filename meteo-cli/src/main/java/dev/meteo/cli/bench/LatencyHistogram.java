package dev.meteo.cli.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A fixed-bucket latency histogram in microseconds, laid out like HdrHistogram with 5 significant bits: values below
 * 32 have a bucket each, above that every power of two is split into 32 equal buckets, so a percentile read from it
 * is at most 1/32 (about 3 %) above the true value. Values from 0 to 2^40 us (about 12 days); negative values (clock
 * skew between processes) count as 0, larger ones as the largest bucket. Recording is lock-free and thread-safe.
 *
 * <p>It travels between processes as a sparse map {@code bucket index -> count} ({@link #toMap}), and histograms of
 * the same layout add ({@link #plus}) and subtract ({@link #minus}), so the bench reads a cumulative histogram at the
 * start and the end of the measured period and keeps the difference.
 */
public final class LatencyHistogram {

    private static final int SUB_BITS = 5;
    private static final int SUB = 1 << SUB_BITS;
    private static final int MAX_EXPONENT = 39;
    static final int BUCKETS = SUB + (MAX_EXPONENT - SUB_BITS + 1) * SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    /** Records one value in microseconds. */
    public void record(long micros) {
        counts.incrementAndGet(index(micros));
    }

    static int index(long micros) {
        if (micros < SUB) {
            return (int) Math.max(0, micros);
        }
        int exponent = 63 - Long.numberOfLeadingZeros(micros);
        if (exponent > MAX_EXPONENT) {
            return BUCKETS - 1;
        }
        int sub = (int) (micros >>> (exponent - SUB_BITS)) - SUB;
        return SUB + (exponent - SUB_BITS) * SUB + sub;
    }

    /** The highest value that falls in the bucket, which is what a percentile reports (HdrHistogram's convention). */
    static long highestIn(int index) {
        if (index < SUB) {
            return index;
        }
        int exponent = (index - SUB) / SUB + SUB_BITS;
        int sub = (index - SUB) % SUB;
        long width = 1L << (exponent - SUB_BITS);
        return (SUB + sub) * width + width - 1;
    }

    public long count() {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += counts.get(i);
        }
        return total;
    }

    /**
     * The value at or below which {@code percent} of the recorded values lie, in microseconds; -1 when empty.
     *
     * @param percent in (0, 100]
     */
    public long percentile(double percent) {
        if (!(percent > 0 && percent <= 100)) {
            throw new IllegalArgumentException("a percentile is in (0, 100], not " + percent);
        }
        long total = count();
        if (total == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(percent / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return highestIn(i);
            }
        }
        return highestIn(BUCKETS - 1);
    }

    /** p50, p95 and p99 in milliseconds (three decimals), or nulls when empty: the shape of the bench's JSON. */
    public Map<String, Object> percentilesMillis() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (double p : new double[] {50, 95, 99}) {
            long micros = percentile(p);
            out.put("p" + (int) p, micros < 0 ? null : micros / 1000.0);
        }
        return out;
    }

    /** A new histogram holding this one's counts plus the other's. */
    public LatencyHistogram plus(LatencyHistogram other) {
        LatencyHistogram sum = new LatencyHistogram();
        for (int i = 0; i < BUCKETS; i++) {
            sum.counts.set(i, counts.get(i) + other.counts.get(i));
        }
        return sum;
    }

    /** A new histogram holding this one's counts minus an earlier snapshot of the same (never below 0). */
    public LatencyHistogram minus(LatencyHistogram earlier) {
        LatencyHistogram difference = new LatencyHistogram();
        for (int i = 0; i < BUCKETS; i++) {
            difference.counts.set(i, Math.max(0, counts.get(i) - earlier.counts.get(i)));
        }
        return difference;
    }

    /** The sparse form: non-empty buckets only, keyed by bucket index as text (JSON keys are strings). */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < BUCKETS; i++) {
            long count = counts.get(i);
            if (count > 0) {
                out.put(Integer.toString(i), count);
            }
        }
        return out;
    }

    /** Reads the sparse form back; {@code null} or a non-map gives an empty histogram. */
    public static LatencyHistogram fromMap(Object map) {
        LatencyHistogram histogram = new LatencyHistogram();
        if (map instanceof Map<?, ?> buckets) {
            buckets.forEach((key, value) -> {
                int index = Integer.parseInt(String.valueOf(key));
                if (index >= 0 && index < BUCKETS && value instanceof Number number) {
                    histogram.counts.addAndGet(index, number.longValue());
                }
            });
        }
        return histogram;
    }
}
