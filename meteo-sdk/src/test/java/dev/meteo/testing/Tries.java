package dev.meteo.testing;

import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Runs a property over many random inputs in a plain JUnit test: try {@code i} makes its input with a
 * {@link Gen} seeded with the {@code i}-th seed drawn from {@link #BASE_SEED}, so every run checks the same inputs
 * (CI is deterministic), and checks the property on it. The first try that fails (an {@link AssertionError} or any
 * exception) fails the test with its seed and its input:
 * <pre>
 * RecordValidatorPropertyTest.everyRecordGetsAVerdictAndNeverAnException failed on try 17 of 1000, seed=-4265...;
 * replay it alone with -Dmeteo.seed=-4265...
 * input: RawMeteoData[sensorId="\\uD800", sequence=0, ...]
 * </pre>
 * With the system property {@value #SEED_PROPERTY} set (decimal, or hex with {@code 0x}), every property runs once,
 * on that seed's input: {@code mvn -pl meteo-sdk -am test -Dtest='RecordValidatorPropertyTest#everyRecord*'
 * -Dsurefire.failIfNoSpecifiedTests=false -Dmeteo.seed=-4265...} (Surefire passes {@code -D} properties to the
 * tests' JVM). No shrinking: the input reported is the one that failed.
 *
 * <p>Identical copies live in the test sources of {@code meteo-sdk} and {@code meteo-sdk-proto}, which cannot
 * depend on this module ({@code PropertyKitCopiesTest} keeps them equal).
 */
public final class Tries {

    /** The system property that replays one seed. */
    public static final String SEED_PROPERTY = "meteo.seed";
    /** The seed of the seeds of every property's tries. */
    public static final long BASE_SEED = 0x6D657465_6F2D7062L;
    /** How much of an input a failure quotes. */
    private static final int MAX_DESCRIPTION = 2_000;
    private static final int MAX_QUOTED_STRING = 120;
    private static final int MAX_QUOTED_BYTES = 48;

    /** A property of one input; throwing anything is failing. */
    @FunctionalInterface
    public interface Property<T> {
        void check(T input) throws Exception;
    }

    private Tries() {
    }

    /**
     * Checks {@code property} on {@code tries} inputs made by {@code input}, or on the one of the seed in
     * {@value #SEED_PROPERTY} when it is set.
     *
     * @throws AssertionError for the first try that fails, with its seed and input, caused by what it threw
     */
    public static <T> void forAll(int tries, Function<Gen, T> input, Property<T> property) {
        String replay = System.getProperty(SEED_PROPERTY, "").trim();
        if (!replay.isEmpty()) {
            check(Long.decode(replay), 1, 1, input, property);
            return;
        }
        SplittableRandom seeds = new SplittableRandom(BASE_SEED);
        for (int i = 1; i <= tries; i++) {
            check(seeds.nextLong(), i, tries, input, property);
        }
    }

    private static <T> void check(long seed, int attempt, int tries, Function<Gen, T> input, Property<T> property) {
        T value = null;
        boolean made = false;
        try {
            value = input.apply(new Gen(seed));
            made = true;
            property.check(value);
        } catch (VirtualMachineError e) {
            if (!(e instanceof StackOverflowError)) {
                throw e;
            }
            throw failure(seed, attempt, tries, made, value, e);
        } catch (Throwable e) {
            throw failure(seed, attempt, tries, made, value, e);
        }
    }

    private static AssertionError failure(long seed, int attempt, int tries, boolean made, Object value, Throwable e) {
        String property = StackWalker.getInstance().walk(frames -> frames
                .filter(frame -> !frame.getClassName().equals(Tries.class.getName())
                        && !frame.getMethodName().startsWith("lambda$"))
                .findFirst()
                .map(frame -> frame.getClassName().substring(frame.getClassName().lastIndexOf('.') + 1) + "."
                        + frame.getMethodName())
                .orElse("a property"));
        return new AssertionError(property + " failed on try " + attempt + " of " + tries + ", seed=" + seed
                + "; replay it alone with -D" + SEED_PROPERTY + "=" + seed + "\ninput: "
                + (made ? describe(value) : "(making it threw)") + "\n" + cut(String.valueOf(e)), e);
    }

    private static String cut(String text) {
        return text.length() <= MAX_DESCRIPTION ? text : text.substring(0, MAX_DESCRIPTION) + "... (see the cause)";
    }

    /**
     * A readable, bounded description of an input: strings quoted with every character outside printable ASCII
     * escaped ({@code \\uD800}) and long ones cut, byte arrays as their length and first bytes in hex, records,
     * collections and maps element by element.
     */
    public static String describe(Object value) {
        StringBuilder out = new StringBuilder();
        describe(value, out);
        return out.length() <= MAX_DESCRIPTION ? out.toString()
                : out.substring(0, MAX_DESCRIPTION) + "... (" + out.length() + " chars)";
    }

    private static void describe(Object value, StringBuilder out) {
        if (out.length() > MAX_DESCRIPTION) {
            return;
        }
        if (value == null) {
            out.append("null");
        } else if (value instanceof CharSequence text) {
            out.append('"');
            escape(text.length() <= MAX_QUOTED_STRING ? text : text.subSequence(0, MAX_QUOTED_STRING), true, out);
            out.append(text.length() <= MAX_QUOTED_STRING ? "\"" : "\"... (" + text.length() + " chars)");
        } else if (value instanceof byte[] bytes) {
            out.append("byte[").append(bytes.length).append("] ");
            for (int i = 0; i < Math.min(bytes.length, MAX_QUOTED_BYTES); i++) {
                out.append(String.format("%02x", bytes[i] & 0xFF));
            }
            out.append(bytes.length > MAX_QUOTED_BYTES ? "..." : "");
        } else if (value instanceof Collection<?> collection) {
            out.append('[');
            String separator = "";
            for (Object element : collection) {
                out.append(separator);
                describe(element, out);
                separator = ", ";
            }
            out.append(']');
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            String separator = "";
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.append(separator);
                describe(entry.getKey(), out);
                out.append('=');
                describe(entry.getValue(), out);
                separator = ", ";
            }
            out.append('}');
        } else if (value.getClass().isRecord()) {
            out.append(value.getClass().getSimpleName()).append('[');
            String separator = "";
            for (RecordComponent component : value.getClass().getRecordComponents()) {
                out.append(separator).append(component.getName()).append('=');
                try {
                    component.getAccessor().setAccessible(true);
                    describe(component.getAccessor().invoke(value), out);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    out.append('(').append(e).append(')');
                }
                separator = ", ";
            }
            out.append(']');
        } else {
            escape(String.valueOf(value), false, out); // e.g. a protobuf message's text format, a Timestamp
        }
    }

    private static void escape(CharSequence text, boolean quoted, StringBuilder out) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (quoted && (c == '"' || c == '\\')) {
                        out.append('\\').append(c);
                    } else if (c >= 0x20 && c < 0x7F) {
                        out.append(c);
                    } else {
                        out.append(String.format("\\u%04X", (int) c));
                    }
                }
            }
        }
    }
}
