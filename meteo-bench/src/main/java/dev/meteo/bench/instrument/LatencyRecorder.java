package dev.meteo.bench.instrument;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;

/**
 * Latencies in microseconds, recorded from many threads into an HdrHistogram {@link Recorder} (the histogram library
 * Micrometer uses: wait-free recording, 3 significant digits, a compact lossless encoding). Negative values (clock skew
 * between processes) count as 0, values above {@link #HIGHEST_MICROS} as that.
 *
 * <p>A child ships everything recorded since it started in its status file as {@link #snapshot()}:
 * {@code {"hdrhistogram": "<HdrHistogram's compressed encoding, in Base64>"}} (an object, which the console's status
 * line leaves out). The bench {@link #decode}s the children's, {@link Histogram#add adds} them, and keeps the
 * difference between the readings at the end and at the start of the measured period ({@link #since}).
 */
public final class LatencyRecorder {

    /** One hour: far above any latency the bench can see, and a histogram of about 190 kB. */
    static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);
    private static final int SIGNIFICANT_DIGITS = 3;
    private static final double[] PERCENTILES = {50, 95, 99};
    private static final String ENCODED = "hdrhistogram";

    private final Recorder recorder = new Recorder(HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    private final Histogram sinceStart = emptyHistogram();
    private Histogram interval;

    /** Records one latency; thread-safe and wait-free. */
    public void record(long micros) {
        recorder.recordValue(Math.min(Math.max(0, micros), HIGHEST_MICROS));
    }

    /** Everything recorded since this recorder was created, {@link #encode encoded} for a status file. */
    public synchronized Map<String, Object> snapshot() {
        interval = recorder.getIntervalHistogram(interval);
        sinceStart.add(interval);
        return encode(sinceStart);
    }

    public static Histogram emptyHistogram() {
        return new Histogram(HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    }

    static Map<String, Object> encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Map.of(ENCODED, Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length)));
    }

    /**
     * A histogram as {@link #encode} wrote it; empty for {@code null} (a child that records no latencies).
     *
     * @throws IllegalArgumentException if {@code encoded} is not such a histogram
     */
    public static Histogram decode(Object encoded) {
        if (encoded == null) {
            return emptyHistogram();
        }
        if (!(encoded instanceof Map<?, ?> map && map.get(ENCODED) instanceof String base64)) {
            throw new IllegalArgumentException("not an encoded histogram: " + encoded);
        }
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)),
                    HIGHEST_MICROS);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not an encoded histogram: " + e.getMessage(), e);
        }
    }

    /**
     * What was recorded between two readings of the same cumulative histograms. Empty when {@code start} holds a
     * count that {@code end} does not (a child's status could not be read at the end), so the latency reads as not
     * measured rather than wrong.
     */
    public static Histogram since(Histogram start, Histogram end) {
        Histogram difference = end.copy();
        try {
            difference.subtract(start);
            return difference;
        } catch (IllegalArgumentException e) {
            return emptyHistogram();
        }
    }

    /** p50, p95 and p99 in milliseconds (three decimals), or nulls when empty: the shape of the bench's JSON. */
    public static Map<String, Object> percentilesMillis(Histogram histogram) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (double percentile : PERCENTILES) {
            out.put("p" + (int) percentile, histogram.getTotalCount() == 0
                    ? null : histogram.getValueAtPercentile(percentile) / 1000.0);
        }
        return out;
    }
}
