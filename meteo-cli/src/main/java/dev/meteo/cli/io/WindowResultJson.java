package dev.meteo.cli.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.meteo.cli.io.Json;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.WindowResult;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a {@link WindowResult}, shared by the JSONL file, the HTTP API and the demo; written and read with
 * the launcher's Jackson mapper ({@link Json}). One window is exactly:
 * <pre>{"start":ms,"end":ms,
 *  "wellness":{"count":n,"mean":x,"stddev":x,"min":x,"max":x,"latest":ms},
 *  "pollution":{...same...},
 *  "late":n}</pre>
 * Times are epoch milliseconds; {@code mean}, {@code stddev}, {@code min}, {@code max} and {@code latest} are
 * {@code null} when {@code count} is 0. Doubles are written with {@link Double#toString}, so they read back exactly;
 * a non-finite one is {@code null}. Stateless and thread-safe.
 */
public final class WindowResultJson {

    /** Writes the format above; {@link Json} registers it, so a window inside a map is written the same way. */
    public static final JsonSerializer<WindowResult> SERIALIZER = new StdSerializer<>(WindowResult.class) {
        @Override
        public void serialize(WindowResult result, JsonGenerator out, SerializerProvider provider) throws IOException {
            out.writeStartObject();
            out.writeNumberField("start", result.start().toEpochMilli());
            out.writeNumberField("end", result.end().toEpochMilli());
            writeStatistics(out, "wellness", result.wellness());
            writeStatistics(out, "pollution", result.pollution());
            out.writeNumberField("late", result.lateRecords());
            out.writeEndObject();
        }
    };

    private WindowResultJson() {
    }

    /** One window as a single-line JSON object (no trailing newline). */
    public static String toJson(WindowResult result) {
        return Json.write(result);
    }

    /** Windows as a JSON array of {@link #toJson} objects, in the given order. */
    public static String toJsonArray(Collection<WindowResult> results) {
        return Json.write(results);
    }

    /**
     * Reads one window written by {@link #toJson}; other spacing and field order are accepted.
     *
     * @throws IllegalArgumentException if the text is not JSON or lacks a field of the format
     */
    public static WindowResult fromJson(String json) {
        if (!(Json.read(json) instanceof Map<?, ?> object)) {
            throw new IllegalArgumentException("a window must be a JSON object, got: " + abbreviate(json));
        }
        return fromMap(object);
    }

    /** Reads a JSON array of windows written by {@link #toJsonArray}. */
    public static List<WindowResult> fromJsonArray(String json) {
        if (!(Json.read(json) instanceof List<?> array)) {
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

    private static void writeStatistics(JsonGenerator out, String kind, KindStatistics statistics) throws IOException {
        boolean empty = statistics.count() == 0;
        out.writeObjectFieldStart(kind);
        out.writeNumberField("count", statistics.count());
        writeNumberOrNull(out, "mean", empty ? Double.NaN : statistics.mean());
        writeNumberOrNull(out, "stddev", empty ? Double.NaN : statistics.stddev());
        writeNumberOrNull(out, "min", empty ? Double.NaN : statistics.min());
        writeNumberOrNull(out, "max", empty ? Double.NaN : statistics.max());
        out.writeFieldName("latest");
        if (empty || statistics.latest() == null) {
            out.writeNull();
        } else {
            out.writeNumber(statistics.latest().toEpochMilli());
        }
        out.writeEndObject();
    }

    private static void writeNumberOrNull(JsonGenerator out, String field, double value) throws IOException {
        out.writeFieldName(field);
        if (Double.isFinite(value)) {
            out.writeNumber(value);
        } else {
            out.writeNull();
        }
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
}
