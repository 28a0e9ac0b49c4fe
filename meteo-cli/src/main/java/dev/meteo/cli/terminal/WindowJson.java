package dev.meteo.cli.terminal;

import dev.meteo.model.KindStatistics;
import dev.meteo.model.WindowResult;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a {@link WindowResult}, shared by the JSONL file, the HTTP API and the demo summary. Hand-written so
 * the launcher needs no JSON library. One window is exactly:
 * <pre>{"start":ms,"end":ms,
 *  "wellness":{"count":n,"mean":x,"stddev":x,"min":x,"max":x,"latest":ms},
 *  "pollution":{...same...},
 *  "late":n}</pre>
 * Times are epoch milliseconds; {@code mean}, {@code stddev}, {@code min}, {@code max} and {@code latest} are
 * {@code null} when {@code count} is 0. Doubles are written with {@link Double#toString}, so they read back exactly.
 * Stateless and thread-safe.
 */
public final class WindowJson {

    private WindowJson() {
    }

    /** One window as a single-line JSON object (no trailing newline). */
    public static String toJson(WindowResult result) {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"start\":").append(result.start().toEpochMilli())
                .append(",\"end\":").append(result.end().toEpochMilli())
                .append(",\"wellness\":");
        appendStatistics(out, result.wellness());
        out.append(",\"pollution\":");
        appendStatistics(out, result.pollution());
        out.append(",\"late\":").append(result.lateRecords()).append('}');
        return out.toString();
    }

    /** Windows as a JSON array of {@link #toJson} objects, in the given order. */
    public static String toJsonArray(Collection<WindowResult> results) {
        StringBuilder out = new StringBuilder(results.size() * 256 + 2).append('[');
        boolean first = true;
        for (WindowResult result : results) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append(toJson(result));
        }
        return out.append(']').toString();
    }

    /**
     * Reads one window written by {@link #toJson}.
     *
     * @throws IllegalArgumentException if the text is not JSON or lacks a field of the format
     */
    public static WindowResult fromJson(String json) {
        Object value = parse(json);
        if (!(value instanceof Map<?, ?> object)) {
            throw new IllegalArgumentException("a window must be a JSON object, got: " + abbreviate(json));
        }
        return fromMap(object);
    }

    /** Reads a JSON array of windows written by {@link #toJsonArray}. */
    public static List<WindowResult> fromJsonArray(String json) {
        Object value = parse(json);
        if (!(value instanceof List<?> array)) {
            throw new IllegalArgumentException("expected a JSON array of windows, got: " + abbreviate(json));
        }
        List<WindowResult> results = new ArrayList<>(array.size());
        for (Object element : array) {
            if (!(element instanceof Map<?, ?> object)) {
                throw new IllegalArgumentException("a window must be a JSON object, got: " + element);
            }
            results.add(fromMap(object));
        }
        return results;
    }

    /**
     * Writes a JSON object whose values may be {@code null}, strings, numbers, booleans, and nested maps or
     * collections of the same; keys keep the map's iteration order (use a {@link LinkedHashMap}). Non-finite doubles
     * become {@code null}. Meant for small documents such as the demo's {@code summary.json}.
     */
    public static String writeObject(Map<String, ?> fields) {
        StringBuilder out = new StringBuilder();
        appendValue(out, fields);
        return out.toString();
    }

    /** A JSON string literal of the text, quotes included. */
    public static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2);
        appendString(out, text);
        return out.toString();
    }

    /**
     * Parses any JSON text into plain Java values: {@code Map<String,Object>} (insertion-ordered), {@code List<Object>},
     * {@code String}, {@code Long} (integers without fraction or exponent), {@code Double}, {@code Boolean} or
     * {@code null}.
     *
     * @throws IllegalArgumentException with the offset of the first error
     */
    public static Object parse(String json) {
        return new Parser(json).parseDocument();
    }

    private static void appendStatistics(StringBuilder out, KindStatistics statistics) {
        boolean empty = statistics.count() == 0;
        out.append("{\"count\":").append(statistics.count())
                .append(",\"mean\":").append(empty ? "null" : number(statistics.mean()))
                .append(",\"stddev\":").append(empty ? "null" : number(statistics.stddev()))
                .append(",\"min\":").append(empty ? "null" : number(statistics.min()))
                .append(",\"max\":").append(empty ? "null" : number(statistics.max()))
                .append(",\"latest\":")
                .append(empty || statistics.latest() == null ? "null" : Long.toString(statistics.latest().toEpochMilli()))
                .append('}');
    }

    private static String number(double value) {
        return Double.isFinite(value) ? Double.toString(value) : "null";
    }

    private static void appendValue(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String text) {
            appendString(out, text);
        } else if (value instanceof Double || value instanceof Float) {
            out.append(number(((Number) value).doubleValue()));
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                appendString(out, String.valueOf(entry.getKey()));
                out.append(':');
                appendValue(out, entry.getValue());
            }
            out.append('}');
        } else if (value instanceof Collection<?> collection) {
            out.append('[');
            boolean first = true;
            for (Object element : collection) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                appendValue(out, element);
            }
            out.append(']');
        } else if (value instanceof WindowResult result) {
            out.append(toJson(result));
        } else {
            appendString(out, value.toString());
        }
    }

    private static void appendString(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    // Control characters must be escaped; so are the line separators, which break JS string literals.
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static WindowResult fromMap(Map<?, ?> object) {
        return new WindowResult(
                Instant.ofEpochMilli(requiredLong(object, "start")),
                Instant.ofEpochMilli(requiredLong(object, "end")),
                statistics(object, "wellness"),
                statistics(object, "pollution"),
                requiredLong(object, "late"));
    }

    private static KindStatistics statistics(Map<?, ?> window, String kind) {
        if (!(window.get(kind) instanceof Map<?, ?> object)) {
            throw new IllegalArgumentException("window field '" + kind + "' must be an object");
        }
        long count = requiredLong(object, "count");
        if (count == 0) {
            return KindStatistics.EMPTY;
        }
        Object latest = object.get("latest");
        return new KindStatistics(count, requiredDouble(object, "mean"), requiredDouble(object, "stddev"),
                requiredDouble(object, "min"), requiredDouble(object, "max"),
                latest == null ? null : Instant.ofEpochMilli(requiredLong(object, "latest")));
    }

    private static long requiredLong(Map<?, ?> object, String field) {
        Object value = object.get(field);
        if (value instanceof Long number) {
            return number;
        }
        if (value instanceof Double number && number == Math.rint(number)) {
            return number.longValue();
        }
        throw new IllegalArgumentException("field '" + field + "' must be an integer, got: " + value);
    }

    private static double requiredDouble(Map<?, ?> object, String field) {
        if (object.get(field) instanceof Number number) {
            return number.doubleValue();
        }
        throw new IllegalArgumentException("field '" + field + "' must be a number, got: " + object.get(field));
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    /** A recursive-descent parser of RFC 8259 JSON. */
    private static final class Parser {
        private final String text;
        private int at;

        Parser(String text) {
            this.text = text;
        }

        Object parseDocument() {
            Object value = parseValue();
            skipWhitespace();
            if (at != text.length()) {
                throw error("unexpected trailing characters");
            }
            return value;
        }

        private Object parseValue() {
            skipWhitespace();
            if (at >= text.length()) {
                throw error("unexpected end of input");
            }
            char c = text.charAt(at);
            return switch (c) {
                case '{' -> parseObject();
                case '[' -> parseArray();
                case '"' -> parseString();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield parseNumber();
                    }
                    throw error("unexpected character '" + c + "'");
                }
            };
        }

        private Map<String, Object> parseObject() {
            Map<String, Object> object = new LinkedHashMap<>();
            at++;
            skipWhitespace();
            if (peek('}')) {
                at++;
                return object;
            }
            while (true) {
                skipWhitespace();
                if (!peek('"')) {
                    throw error("expected a field name");
                }
                String key = parseString();
                skipWhitespace();
                expect(':');
                object.put(key, parseValue());
                skipWhitespace();
                if (peek(',')) {
                    at++;
                } else {
                    expect('}');
                    return object;
                }
            }
        }

        private List<Object> parseArray() {
            List<Object> array = new ArrayList<>();
            at++;
            skipWhitespace();
            if (peek(']')) {
                at++;
                return array;
            }
            while (true) {
                array.add(parseValue());
                skipWhitespace();
                if (peek(',')) {
                    at++;
                } else {
                    expect(']');
                    return array;
                }
            }
        }

        private String parseString() {
            at++;
            StringBuilder out = new StringBuilder();
            while (true) {
                if (at >= text.length()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(at++);
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (at >= text.length()) {
                    throw error("unterminated escape");
                }
                char escaped = text.charAt(at++);
                switch (escaped) {
                    case '"', '\\', '/' -> out.append(escaped);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (at + 4 > text.length()) {
                            throw error("truncated \\u escape");
                        }
                        try {
                            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        } catch (NumberFormatException e) {
                            throw error("bad \\u escape");
                        }
                        at += 4;
                    }
                    default -> throw error("bad escape '\\" + escaped + "'");
                }
            }
        }

        private Object parseNumber() {
            int start = at;
            boolean integral = true;
            if (peek('-')) {
                at++;
            }
            while (at < text.length()) {
                char c = text.charAt(at);
                if (c >= '0' && c <= '9') {
                    at++;
                } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                    integral = false;
                    at++;
                } else {
                    break;
                }
            }
            String number = text.substring(start, at);
            try {
                if (integral) {
                    try {
                        return Long.parseLong(number);
                    } catch (NumberFormatException tooLarge) {
                        return Double.parseDouble(number);
                    }
                }
                return Double.parseDouble(number);
            } catch (NumberFormatException e) {
                throw error("bad number '" + number + "'");
            }
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, at)) {
                throw error("expected '" + word + "'");
            }
            at += word.length();
            return value;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
            at++;
        }

        private boolean peek(char c) {
            return at < text.length() && text.charAt(at) == c;
        }

        private void skipWhitespace() {
            while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("invalid JSON at offset " + at + ": " + what);
        }
    }
}
