package dev.meteo.testing;

import dev.meteo.model.RecordValidator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Random input for the property tests (see {@link Tries}), from one seed: the values a kind holds, with a bias
 * towards its edge cases. Each kind draws one of its edge cases with probability {@value #EDGE_PROBABILITY}, else a
 * value at random: longs and ints near every power of two as often as anywhere in their range; doubles as any bit
 * pattern; instants from {@link Instant#MIN} to {@link Instant#MAX}; text of any UTF-16 code units.
 *
 * <p>Edge cases: for numbers 0, ±1, the type's limits, NaN, ±infinity, -0.0 and the validator's bounds ± 1
 * (-90/60 °C, 0/100 %, 0 ppm); for seconds and instants {@link Instant#MIN}/{@link Instant#MAX}, the limits of epoch
 * milliseconds, 2^62 s (no {@code Instant} holds it), -10^16 s, the validator's past bound (2000-01-01) and future
 * bound (now + {@link RecordValidator#DEFAULT_MAX_FUTURE_SKEW}) ± 1; for text the empty string, blanks, unpaired
 * surrogates, control characters and ids of {@link RecordValidator#MAX_SENSOR_ID_LENGTH} ± 1 characters; for bytes
 * the empty array and truncated or altered valid messages ({@link #mutated}).
 *
 * <p>Plain {@link SplittableRandom}: no dependency. Identical copies live in the test sources of {@code meteo-sdk}
 * and {@code meteo-sdk-proto}, which cannot depend on this module ({@code PropertyKitCopiesTest} keeps them equal).
 */
public final class Gen {

    /** How often a value is one of its kind's edge cases. */
    public static final double EDGE_PROBABILITY = 0.15;

    private static final long[] LONG_EDGES = {
            0, 1, -1, Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE, Long.MAX_VALUE - 1,
            Integer.MIN_VALUE, Integer.MAX_VALUE,
            1L << 62, -10_000_000_000_000_000L,
            Instant.MIN.getEpochSecond(), Instant.MIN.getEpochSecond() - 1, Instant.MIN.getEpochSecond() + 1,
            Instant.MAX.getEpochSecond(), Instant.MAX.getEpochSecond() - 1, Instant.MAX.getEpochSecond() + 1,
            // epoch milliseconds' limits, in seconds
            Long.MAX_VALUE / 1_000, Long.MAX_VALUE / 1_000 + 1, Math.floorDiv(Long.MIN_VALUE, 1_000),
            Math.floorDiv(Long.MIN_VALUE, 1_000) - 1,
            RecordValidator.EARLIEST_DETECTION_TIME.getEpochSecond(),
            RecordValidator.EARLIEST_DETECTION_TIME.getEpochSecond() - 1,
            RecordValidator.EARLIEST_DETECTION_TIME.getEpochSecond() + 1};
    private static final int[] INT_EDGES = {
            0, 1, -1, Integer.MIN_VALUE, Integer.MIN_VALUE + 1, Integer.MAX_VALUE, Integer.MAX_VALUE - 1,
            999_999_999, 1_000_000_000, -999_999_999, -1_000_000_000};
    private static final double[] DOUBLE_EDGES = {
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 1, -1,
            Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE};
    /** The validator's bounds of temperature (-90..60 °C), humidity (0..100 %) and CO2 (0 ppm). */
    private static final double[] READING_BOUNDS = {-90, 60, 0, 100};
    private static final String[] STRING_EDGES = {
            "", " ", "\t\n", "   ", "\u0000", "\u001B[31m", "\u007F", "\r\n", "\uD800", "a\uDC00b", "\uDBFF\uDFFF",
            "\uDE00\uD83D", "\uD83D\uDE00", "\uFFFF", "\uFEFF", "\u00A0", "é", "-", "."};
    private static final char[] BLANKS = {' ', '\t', '\n', '\r', '\u000B', '\f', '\u2003', '\u3000'};
    private static final String ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final String ALPHANUMERIC = ALPHA + "0123456789";

    private final SplittableRandom random;

    public Gen(long seed) {
        this.random = new SplittableRandom(seed);
    }

    // ---- choices

    public boolean chance(double probability) {
        return random.nextDouble() < probability;
    }

    private boolean edge() {
        return chance(EDGE_PROBABILITY);
    }

    /** Uniform in {@code min..max}, both included. */
    public int between(int min, int max) {
        return (int) between((long) min, max);
    }

    /** Uniform in {@code min..max}, both included. */
    public long between(long min, long max) {
        if (min > max) {
            throw new IllegalArgumentException(min + " > " + max);
        }
        if (max < Long.MAX_VALUE) {
            return random.nextLong(min, max + 1);
        }
        return min == Long.MIN_VALUE ? random.nextLong() : random.nextLong(min - 1, max) + 1;
    }

    @SafeVarargs
    public final <T> T of(T... values) {
        return values[random.nextInt(values.length)];
    }

    /** A value of one of the generators, each as likely. */
    @SafeVarargs
    public final <T> T oneOf(Supplier<? extends T>... generators) {
        return generators[random.nextInt(generators.length)].get();
    }

    /** {@code null} with the probability, else the generator's value. */
    public <T> T orNull(double probability, Supplier<T> generator) {
        return chance(probability) ? null : generator.get();
    }

    /** {@code 0..maxSize} values, short lists as likely as long ones. */
    public <T> List<T> list(int maxSize, Supplier<T> element) {
        int size = between(0, maxSize);
        List<T> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(element.get());
        }
        return list;
    }

    // ---- numbers

    /** Any long; edges: 0, ±1, the limits, and seconds at the edges of {@code Instant}, epoch ms and the validator. */
    public long longs() {
        if (edge()) {
            return LONG_EDGES[random.nextInt(LONG_EDGES.length)];
        }
        return chance(0.5) ? random.nextLong() : scaled(63);
    }

    /** In {@code min..max}; edges: {@code min}, {@code max}, their neighbours and 0. */
    public long longs(long min, long max) {
        if (edge()) {
            long[] edges = {min, max, min < max ? min + 1 : min, min < max ? max - 1 : max,
                    min <= 0 && 0 <= max ? 0 : min};
            return edges[random.nextInt(edges.length)];
        }
        if (chance(0.5)) {
            return between(min, max);
        }
        // near a bound more often than uniformly: a distance of random magnitude from min or max
        long distance = Math.abs(scaled(62));
        try {
            long value = chance(0.5) ? Math.addExact(min, distance) : Math.subtractExact(max, distance);
            return value >= min && value <= max ? value : between(min, max);
        } catch (ArithmeticException beyondLong) {
            return between(min, max);
        }
    }

    /** Any int; edges: 0, ±1, the limits, and the limits of a {@code Timestamp}'s nanos ± 1. */
    public int ints() {
        if (edge()) {
            return INT_EDGES[random.nextInt(INT_EDGES.length)];
        }
        return chance(0.5) ? random.nextInt() : (int) scaled(31);
    }

    /** A long of random magnitude: below 2^k for a k uniform in 0..bits, either sign. */
    private long scaled(int bits) {
        int k = random.nextInt(bits + 1);
        long magnitude = k == 0 ? 0 : random.nextLong() >>> (64 - k);
        return chance(0.5) ? magnitude : -magnitude - 1;
    }

    /** Any double, NaN and infinities included; edges: 0, -0.0, ±1, the limits, NaN, ±infinity. */
    public double doubles() {
        if (edge()) {
            return DOUBLE_EDGES[random.nextInt(DOUBLE_EDGES.length)];
        }
        return switch (random.nextInt(3)) {
            case 0 -> Double.longBitsToDouble(random.nextLong()); // any bit pattern: huge, tiny, NaN payloads
            case 1 -> Math.scalb(random.nextDouble(-1, 1), random.nextInt(-1074, 1024));
            default -> random.nextDouble(-1_000, 1_000);
        };
    }

    /** Uniform in {@code min..max}; edges: the bounds. */
    public double doubles(double min, double max) {
        return edge() ? (chance(0.5) ? min : max) : min + (max - min) * random.nextDouble();
    }

    /**
     * A sensor's temperature or humidity: plausible (-120..120) as often as anything a double holds; edges: the
     * validator's bounds (-90, 60, 0, 100), 1 and the least step either side of them, and {@link #doubles()}' edges.
     */
    public double readings() {
        if (edge()) {
            double bound = READING_BOUNDS[random.nextInt(READING_BOUNDS.length)];
            return switch (random.nextInt(6)) {
                case 0 -> bound - 1;
                case 1 -> bound + 1;
                case 2 -> Math.nextDown(bound);
                case 3 -> Math.nextUp(bound);
                case 4 -> bound;
                default -> DOUBLE_EDGES[random.nextInt(DOUBLE_EDGES.length)];
            };
        }
        return chance(0.5) ? random.nextDouble(-120, 120) : doubles();
    }

    // ---- time

    /**
     * From {@link Instant#MIN} to {@link Instant#MAX} (40 %), within 40 years before and an hour after {@code now}
     * (40 %), and the edges (20 %): the ends, epoch milliseconds' limits and 1 ns beyond, -10^16 s, the epoch, and
     * the validator's bounds around {@code now} (2000-01-01, now + the default skew) with 1 ns and 1 ms either side.
     */
    public Instant instants(Instant now) {
        double which = random.nextDouble();
        if (which < 0.4) {
            return Instant.ofEpochSecond(longs(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond()),
                    between(0, 999_999_999));
        }
        if (which < 0.8) {
            return now.plusMillis(longs(-Duration.ofDays(40 * 365).toMillis(), Duration.ofHours(1).toMillis()));
        }
        Instant earliest = RecordValidator.EARLIEST_DETECTION_TIME;
        Instant latest = now.plus(RecordValidator.DEFAULT_MAX_FUTURE_SKEW);
        return of(Instant.MIN, Instant.MAX, Instant.MIN.plusNanos(1), Instant.MAX.minusNanos(1), Instant.EPOCH,
                Instant.ofEpochMilli(Long.MIN_VALUE), Instant.ofEpochMilli(Long.MIN_VALUE).minusNanos(1),
                Instant.ofEpochMilli(Long.MAX_VALUE), Instant.ofEpochMilli(Long.MAX_VALUE).plusNanos(1),
                Instant.ofEpochSecond(-10_000_000_000_000_000L),
                earliest, earliest.minusNanos(1), earliest.plusNanos(1), earliest.minusMillis(1),
                now, latest, latest.minusNanos(1), latest.plusNanos(1), latest.plusMillis(1));
    }

    // ---- text

    /**
     * Any UTF-16 text of at most {@code maxLength} code units: ASCII, control characters, other BMP characters,
     * surrogate pairs and unpaired surrogates. Edges: empty, blanks, control characters, lone or reversed
     * surrogates, a BOM, a non-breaking space.
     */
    public String strings(int maxLength) {
        if (edge()) {
            String text = of(STRING_EDGES);
            return text.length() <= maxLength ? text : "";
        }
        int length = shortMostly(maxLength);
        StringBuilder text = new StringBuilder(length);
        while (text.length() < length) {
            switch (random.nextInt(6)) {
                case 0 -> text.append((char) random.nextInt(0x20)); // control
                case 1, 2 -> text.append((char) random.nextInt(0x20, 0x7F)); // printable ASCII
                case 3 -> text.append((char) random.nextInt(0x10000)); // any code unit, lone surrogates included
                case 4 -> text.append((char) random.nextInt(0x80, 0x800)); // two UTF-8 bytes
                default -> {
                    if (text.length() + 2 <= length) {
                        text.appendCodePoint(random.nextInt(0x10000, 0x110000)); // a surrogate pair
                    } else {
                        text.append((char) random.nextInt(0xD800, 0xE000)); // half of one
                    }
                }
            }
        }
        return text.toString();
    }

    /** {@code minLength..maxLength} characters of {@code [A-Za-z0-9]} and {@code extraChars}. */
    public String alphanumeric(int minLength, int maxLength, String extraChars) {
        String chars = ALPHANUMERIC + extraChars;
        int length = edge() ? (chance(0.5) ? minLength : maxLength) : between(minLength, maxLength);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(chars.charAt(random.nextInt(chars.length())));
        }
        return text.toString();
    }

    /** At most {@code maxLength} whitespace characters ({@link String#isBlank()}), the empty string included. */
    public String blanks(int maxLength) {
        int length = between(0, maxLength);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(BLANKS[random.nextInt(BLANKS.length)]);
        }
        return text.toString();
    }

    /**
     * A long text of {@code minLength..maxLength} characters (a short run of letters repeated: cheap to make);
     * edges: the two lengths, and {@link RecordValidator#MAX_SENSOR_ID_LENGTH} ± 1 when between them.
     */
    public String huge(int minLength, int maxLength) {
        int length;
        if (edge()) {
            int longestId = RecordValidator.MAX_SENSOR_ID_LENGTH;
            length = of(minLength, maxLength, longestId - 1, longestId, longestId + 1);
            length = Math.max(minLength, Math.min(maxLength, length));
        } else {
            length = between(minLength, maxLength);
        }
        String run = alphanumericRun();
        return run.repeat(length / run.length() + 1).substring(0, length);
    }

    private String alphanumericRun() {
        int length = between(1, 10);
        StringBuilder run = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            run.append(ALPHA.charAt(random.nextInt(ALPHA.length())));
        }
        return run.toString();
    }

    /** {@code 0..max}, short more often than long (as a generator's size grows), {@code max} now and then. */
    private int shortMostly(int max) {
        return switch (random.nextInt(4)) {
            case 0 -> between(0, Math.min(max, 8));
            case 1 -> max;
            default -> between(0, max);
        };
    }

    // ---- bytes

    /** At most {@code maxLength} random bytes; edges: none, one zero, one 0xFF, one byte that starts a field. */
    public byte[] bytes(int maxLength) {
        if (edge()) {
            byte[][] edges = {{}, {0}, {-1}, {0x0A}, {0x0A, -1}, {0x08, -128}};
            byte[] bytes = edges[random.nextInt(edges.length)];
            return bytes.length <= maxLength ? bytes.clone() : new byte[0];
        }
        byte[] bytes = new byte[shortMostly(maxLength)];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * A valid message altered as a broken or hostile sender would: as it is, truncated anywhere (empty included),
     * one byte replaced, random bytes appended, or two halves swapped.
     */
    public byte[] mutated(byte[] valid) {
        byte[] bytes = valid.clone();
        switch (random.nextInt(5)) {
            case 0 -> {
                return bytes;
            }
            case 1 -> {
                return Arrays.copyOf(bytes, bytes.length == 0 ? 0 : random.nextInt(bytes.length));
            }
            case 2 -> {
                if (bytes.length > 0) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
                return bytes;
            }
            case 3 -> {
                byte[] tail = bytes(20);
                byte[] longer = Arrays.copyOf(bytes, bytes.length + tail.length);
                System.arraycopy(tail, 0, longer, bytes.length, tail.length);
                return longer;
            }
            default -> {
                int cut = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
                byte[] swapped = new byte[bytes.length];
                System.arraycopy(bytes, cut, swapped, 0, bytes.length - cut);
                System.arraycopy(bytes, 0, swapped, bytes.length - cut, cut);
                return swapped;
            }
        }
    }
}
