package dev.meteo.report;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The results {@code meteo bench} wrote ({@code report/results/bench.json}), read by path. Parsed with Jackson into
 * insertion-ordered {@code Map<String, Object>}, {@code List<Object>}, {@link String}, {@link Boolean}, null, and
 * every number as the exact {@link BigDecimal} of its text (so {@code 20.0} stays {@code 20.0} and a count an
 * integer).
 *
 * <p>A path is dot-separated member names, e.g. {@code modes.grpc.latency_ms.p95}. An array element is selected by
 * index ({@code samples_per_s[0]} or {@code samples_per_s.0}) or by a member's value
 * ({@code processes[name=lb].cpu_percent}).
 */
public final class BenchResults {
    private static final Pattern SEGMENT = Pattern.compile("([^.\\[\\]]+)?((?:\\[[^\\]]*\\])*)");
    private static final Pattern SELECTOR = Pattern.compile("\\[([^\\]]*)\\]");
    private static final Pattern CONVERSION = Pattern.compile("%[-#+ 0,(<]*\\d*(?:\\.\\d+)?([a-zA-Z%])");
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final Object root;
    private final String source;

    private BenchResults(Object root, String source) {
        this.root = root;
        this.source = source;
    }

    /** Reads and parses a results file; fails with a message naming the file when it is missing or not JSON. */
    public static BenchResults read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (NoSuchFileException e) {
            throw new ReportException(file + " not found: the figures come from the results `meteo bench` writes there"
                    + " (or pass --results <file>)");
        } catch (IOException e) {
            throw new ReportException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses results from text; {@code source} names them in error messages, which read
     * {@code source:line:column: invalid JSON: what}.
     */
    public static BenchResults parse(String json, String source) {
        try {
            return new BenchResults(javaValue(JSON.readValue(json, JsonNode.class)), source);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr();
            throw new ReportException(source + where + ": invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Object javaValue(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> members = new LinkedHashMap<>();
            node.properties().forEach(member -> members.put(member.getKey(), javaValue(member.getValue())));
            return members;
        }
        if (node.isArray()) {
            List<Object> items = new ArrayList<>(node.size());
            node.forEach(item -> items.add(javaValue(item)));
            return items;
        }
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return node.isNull() ? null : node.textValue();
    }

    /** Where the results came from (a file name), for messages. */
    public String source() {
        return source;
    }

    /**
     * The value at {@code path}: a {@link BigDecimal}, {@link String}, {@link Boolean}, {@code Map}, {@code List} or
     * null (a JSON null). Throws a {@link ReportException} naming the path when it does not exist.
     */
    public Object lookup(String path) {
        Object node = root;
        StringBuilder walked = new StringBuilder();
        for (String segment : segments(path)) {
            Matcher m = SEGMENT.matcher(segment);
            if (segment.isEmpty() || !m.matches()) {
                throw new ReportException("bad path '" + path + "'");
            }
            String name = m.group(1);
            if (name != null) {
                node = step(node, name, walked);
                appendPath(walked, name);
            }
            Matcher selectors = SELECTOR.matcher(m.group(2));
            while (selectors.find()) {
                node = select(node, selectors.group(1), walked);
                walked.append('[').append(selectors.group(1)).append(']');
            }
        }
        return node;
    }

    /** The path's members, split at the dots outside a selector ({@code [params.records=100]} is one selector). */
    private static List<String> segments(String path) {
        List<String> segments = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (c == '.' && depth == 0) {
                segments.add(path.substring(from, i));
                from = i + 1;
            }
        }
        segments.add(path.substring(from));
        return segments;
    }

    /** True when {@code path} exists (its value may be a JSON null). */
    public boolean has(String path) {
        try {
            lookup(path);
            return true;
        } catch (ReportException e) {
            return false;
        }
    }

    private static void appendPath(StringBuilder walked, String name) {
        if (walked.length() > 0) {
            walked.append('.');
        }
        walked.append(name);
    }

    private Object step(Object node, String name, StringBuilder walked) {
        String where = walked.length() == 0 ? "the top level" : walked.toString();
        if (node instanceof Map<?, ?> map) {
            if (!map.containsKey(name)) {
                throw new ReportException("no member '" + name + "' at " + where + " (it has: "
                        + String.join(", ", map.keySet().stream().map(String::valueOf).toList()) + ")");
            }
            return map.get(name);
        }
        if (node instanceof List<?> list && name.chars().allMatch(Character::isDigit)) {
            return index(list, name, where);
        }
        throw new ReportException("no member '" + name + "' at " + where + ": it is " + describe(node));
    }

    private Object select(Object node, String selector, StringBuilder walked) {
        String where = walked.toString();
        if (!(node instanceof List<?> list)) {
            throw new ReportException("cannot select [" + selector + "] at " + where + ": it is " + describe(node));
        }
        if (selector.indexOf('=') < 0) {
            return index(list, selector, where);
        }
        for (Object item : list) {
            if (matchesAll(item, selector)) {
                return item;
            }
        }
        throw new ReportException("no element with " + selector + " in " + where);
    }

    /**
     * Whether {@code item} has every {@code member=value} of the selector (joined by {@code &}); a member may be a
     * dotted path into the element, as JMH's {@code params.records}.
     */
    private static boolean matchesAll(Object item, String selector) {
        for (String condition : selector.split("&")) {
            int eq = condition.indexOf('=');
            if (eq < 0) {
                throw new ReportException("bad selector [" + selector + "]: each condition is member=value");
            }
            Object node = item;
            for (String name : condition.substring(0, eq).trim().split("\\.")) {
                if (!(node instanceof Map<?, ?> map) || !map.containsKey(name)) {
                    return false;
                }
                node = map.get(name);
            }
            if (!condition.substring(eq + 1).trim().equals(plain(node))) {
                return false;
            }
        }
        return true;
    }

    private static Object index(List<?> list, String index, String where) {
        int i;
        try {
            i = Integer.parseInt(index.trim());
        } catch (NumberFormatException e) {
            throw new ReportException("bad index [" + index + "] at " + where);
        }
        if (i < 0 || i >= list.size()) {
            throw new ReportException("index " + i + " out of range at " + where + " (" + list.size() + " elements)");
        }
        return list.get(i);
    }

    private static String describe(Object node) {
        if (node == null) {
            return "null";
        }
        if (node instanceof Map) {
            return "an object";
        }
        if (node instanceof List) {
            return "an array";
        }
        return "the value " + plain(node);
    }

    /** The default rendering of a scalar: numbers in plain notation (no exponent), strings and booleans as they are. */
    static String plain(Object value) {
        if (value instanceof BigDecimal number) {
            return number.toPlainString();
        }
        return String.valueOf(value);
    }

    /**
     * Renders a scalar with a {@link java.util.Formatter} pattern in {@link Locale#ENGLISH} (so {@code %,.0f} gives
     * {@code 12,345}); a number is passed as a double to {@code %f/%e/%g/%a}, as a long to {@code %d/%x/%o} (it must
     * then be integral), as is otherwise. A null {@code format} means {@link #plain}.
     */
    static String format(Object value, String format) {
        if (value instanceof Map || value instanceof List) {
            throw new ReportException("is " + describe(value) + ", not a single value");
        }
        if (value == null) {
            throw new ReportException("is null in the results (a scenario that was not run?)");
        }
        if (format == null) {
            return plain(value);
        }
        Object argument = value;
        if (value instanceof BigDecimal number) {
            Matcher m = CONVERSION.matcher(format);
            char conversion = 's';
            while (m.find()) {
                if (!m.group(1).equals("%") && !m.group(1).equalsIgnoreCase("n")) {
                    conversion = Character.toLowerCase(m.group(1).charAt(0));
                    break;
                }
            }
            switch (conversion) {
                case 'f', 'e', 'g', 'a' -> argument = number.doubleValue();
                case 'd', 'x', 'o' -> {
                    try {
                        argument = number.longValueExact();
                    } catch (ArithmeticException e) {
                        throw new ReportException("is " + number.toPlainString() + ", not an integer for '" + format
                                + "' (use %.0f to round)");
                    }
                }
                default -> argument = number.toPlainString();
            }
        }
        try {
            return String.format(Locale.ENGLISH, format, argument);
        } catch (IllegalFormatException e) {
            throw new ReportException("bad format '" + format + "' for " + plain(value) + ": " + e.getMessage(), e);
        }
    }
}
