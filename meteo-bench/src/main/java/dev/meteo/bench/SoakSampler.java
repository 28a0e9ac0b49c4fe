package dev.meteo.bench;

import dev.meteo.process.ChildProcess;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * What a long run leaves behind, sampled every few seconds: Redis's {@code used_memory} and the bytes of the run's
 * own keys, the identities the store keeps (stored, late and rejected: what the retention bounds), the work queue's
 * depth (indirect mode) and every process's resident memory. {@link #toMap()} gives the samples and, for each series,
 * its slope over the second half of the run (after the retention has filled up): a store that trims keeps it near 0.
 */
final class SoakSampler {

    /** Share of its own mean a series may grow by over the second half and still be called flat. */
    static final double FLAT_GROWTH = 0.10;

    private final RedisSettings redis;
    private final String prefix;
    private final RedisMeteoStore store;
    private final List<ChildProcess> processes;
    private final LongSupplier queueDepth;
    private final long recordsInFlight;
    private final List<Map<String, Object>> samples = new ArrayList<>();

    /**
     * {@code queueDepth} returns -1 when there is no queue (direct mode); {@code recordsInFlight} is how many records
     * the sensors may have sent and not seen classified: each can be a hole in its sensor's identities for a moment,
     * so the ranges kept may move by that many whatever their mean (a mean of 2 ranges growing to 3 is no leak).
     */
    SoakSampler(RedisSettings redis, String prefix, RedisMeteoStore store, List<ChildProcess> processes,
                LongSupplier queueDepth, long recordsInFlight) {
        this.redis = redis;
        this.prefix = prefix;
        this.store = store;
        this.processes = processes;
        this.queueDepth = queueDepth;
        this.recordsInFlight = recordsInFlight;
    }

    void sample(long elapsedSeconds) {
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("t_s", elapsedSeconds);
        Map<String, Object> memory = RedisMemory.bytes(redis, prefix);
        sample.put("redis_used_memory_bytes", memory.get("used_memory_bytes"));
        sample.put("run_keys_bytes", memory.get("prefix_bytes"));
        sample.put("run_keys", memory.get("prefix_keys"));
        RedisMeteoStore.IdentityFootprint identities = store.identityFootprint();
        sample.put("sensors_known", identities.sensorsKnown());
        sample.put("identity_ranges", identities.ranges());
        long depth = queueDepth.getAsLong();
        sample.put("work_queue_depth", depth < 0 ? null : depth);
        Map<String, Object> rss = new LinkedHashMap<>();
        for (ChildProcess process : processes) {
            OptionalLong kb = ProcessMeter.rssKb(process.pid());
            rss.put(process.name(), kb.isPresent() ? kb.getAsLong() * 1024 : null);
        }
        sample.put("rss_bytes", rss);
        samples.add(sample);
    }

    /** {"samples": [...], "second_half": {series: {"slope_per_min", "mean", "growth_share", "flat"}}, "flat": bool}. */
    Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> trends = new LinkedHashMap<>();
        List<Map<String, Object>> half = samples.subList(samples.size() / 2, samples.size());
        boolean flat = true;
        Map<String, Long> allowance = Map.of("run_keys_bytes", 0L, "identity_ranges", recordsInFlight);
        for (String series : List.of("run_keys_bytes", "identity_ranges")) {
            Map<String, Object> trend = trend(half, sample -> number(sample.get(series)), allowance.get(series));
            trends.put(series, trend);
            flat &= Boolean.TRUE.equals(trend.get("flat"));
        }
        trends.put("redis_used_memory_bytes", trend(half, sample -> number(sample.get("redis_used_memory_bytes")), 0));
        trends.put("work_queue_depth", trend(half, sample -> number(sample.get("work_queue_depth")), 0));
        for (ChildProcess process : processes) {
            trends.put("rss_bytes " + process.name(),
                    trend(half, sample -> number(((Map<?, ?>) sample.get("rss_bytes")).get(process.name())), 0));
        }
        out.put("flat", flat);
        out.put("flat_means", "the run's Redis keys (bytes) and the identities kept grow by less than "
                + Math.round(FLAT_GROWTH * 100) + " % of their mean over the second half of the run (least-squares slope "
                + "times the half's duration), the identities also when they grow by no more ranges than records may "
                + "be in flight (" + recordsInFlight + "); Redis's used_memory (shared with others) and the processes' "
                + "RSS are reported, not judged");
        out.put("second_half", trends);
        out.put("samples", samples);
        return out;
    }

    private static Double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : null;
    }

    /**
     * Least-squares slope of the series against time over these samples, per minute, and its growth over them; flat
     * when it grows by less than {@link #FLAT_GROWTH} of its mean or by no more than {@code allowance} in all.
     */
    static Map<String, Object> trend(List<Map<String, Object>> samples,
                                     java.util.function.Function<Map<String, Object>, Double> series, long allowance) {
        List<double[]> points = new ArrayList<>();
        for (Map<String, Object> sample : samples) {
            Double y = series.apply(sample);
            if (y != null) {
                points.add(new double[] {((Number) sample.get("t_s")).doubleValue(), y});
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        if (points.size() < 2) {
            out.put("slope_per_min", null);
            return out;
        }
        double meanX = points.stream().mapToDouble(p -> p[0]).average().orElse(0);
        double meanY = points.stream().mapToDouble(p -> p[1]).average().orElse(0);
        double covariance = 0;
        double variance = 0;
        for (double[] p : points) {
            covariance += (p[0] - meanX) * (p[1] - meanY);
            variance += (p[0] - meanX) * (p[0] - meanX);
        }
        double slopePerSecond = variance == 0 ? 0 : covariance / variance;
        double span = points.get(points.size() - 1)[0] - points.get(0)[0];
        double growthInAll = slopePerSecond * span;
        double growth = meanY == 0 ? 0 : growthInAll / meanY;
        out.put("slope_per_min", Math.round(slopePerSecond * 60 * 10) / 10.0);
        out.put("mean", Math.round(meanY));
        out.put("growth_share", Math.round(growth * 1000) / 1000.0);
        out.put("flat", growth < FLAT_GROWTH || growthInAll <= allowance);
        return out;
    }
}
