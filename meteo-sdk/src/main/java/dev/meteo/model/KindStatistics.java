package dev.meteo.model;

import java.time.Instant;
import java.util.Collection;

/**
 * Statistics of one coefficient kind over one window. When {@code count} is 0, {@code mean}, {@code stddev},
 * {@code min} and {@code max} are {@code NaN} and {@code latest} is {@code null}.
 *
 * @param stddev population standard deviation
 * @param latest the most recent detection timestamp among the window's records of this kind
 */
public record KindStatistics(long count, double mean, double stddev, double min, double max, Instant latest) {

    /** The statistics of a window without records of this kind. */
    public static final KindStatistics EMPTY =
            new KindStatistics(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, null);

    /** One stored coefficient as the window sees it: its value and detection time in epoch milliseconds. */
    public record Sample(long detectedAtMillis, double value) {
    }

    /** Computes the statistics of the samples (two passes, so the stddev does not lose precision). */
    public static KindStatistics of(Collection<Sample> samples) {
        if (samples.isEmpty()) {
            return EMPTY;
        }
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        long latest = Long.MIN_VALUE;
        for (Sample sample : samples) {
            sum += sample.value();
            min = Math.min(min, sample.value());
            max = Math.max(max, sample.value());
            latest = Math.max(latest, sample.detectedAtMillis());
        }
        double mean = sum / samples.size();
        double squares = 0;
        for (Sample sample : samples) {
            double deviation = sample.value() - mean;
            squares += deviation * deviation;
        }
        return new KindStatistics(samples.size(), mean, Math.sqrt(squares / samples.size()), min, max,
                Instant.ofEpochMilli(latest));
    }

    /**
     * The statistics from running moments, as a store that keeps them per window returns them: {@code count} values
     * of mean {@code mean} whose squared deviations from it sum to {@code m2} (Welford's form, which keeps its
     * precision where a sum of squares would cancel). {@code count} 0 gives {@link #EMPTY}.
     */
    public static KindStatistics ofMoments(long count, double mean, double m2, double min, double max, long latestMillis) {
        if (count == 0) {
            return EMPTY;
        }
        return new KindStatistics(count, mean, Math.sqrt(Math.max(0, m2) / count), min, max,
                Instant.ofEpochMilli(latestMillis));
    }

    public boolean isEmpty() {
        return count == 0;
    }
}
