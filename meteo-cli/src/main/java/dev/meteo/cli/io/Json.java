package dev.meteo.cli.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.meteo.model.WindowResult;

import java.io.IOException;
import java.util.LinkedHashMap;

/**
 * The launcher's one JSON mapper (Jackson), for the small documents it writes and reads: the children's status files,
 * the demo's {@code summary.json}, the bench results, the dashboard's API. Thread-safe.
 *
 * <p>Writes maps in their iteration order (use a {@link LinkedHashMap}), doubles in {@link Double#toString} form so
 * they read back exactly, non-finite doubles as {@code null}, and a {@link WindowResult} as {@link WindowResultJson}.
 * Reads into plain values: {@code Map<String, Object>} (insertion-ordered), {@code List<Object>}, {@code String},
 * {@code Long} (integers), {@code Double} (numbers with a fraction or exponent), {@code Boolean} or {@code null}.
 */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .addModule(new SimpleModule("meteo")
                    .addSerializer(Double.class, new FiniteOrNull<>(Double.class))
                    .addSerializer(Float.class, new FiniteOrNull<>(Float.class))
                    .addSerializer(WindowResult.class, WindowResultJson.SERIALIZER))
            .build();

    private Json() {
    }

    /** The value as one line of JSON. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Parses one JSON document into plain values.
     *
     * @throws IllegalArgumentException naming the offset of the first error
     */
    public static Object read(String json) {
        try {
            return MAPPER.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            long offset = e.getLocation() == null ? -1 : e.getLocation().getCharOffset();
            throw new IllegalArgumentException("invalid JSON at offset " + offset + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Parses one JSON document into {@code type} (a record: its components by name).
     *
     * @throws IllegalArgumentException naming the offset of the first error
     */
    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            long offset = e.getLocation() == null ? -1 : e.getLocation().getCharOffset();
            throw new IllegalArgumentException("invalid JSON at offset " + offset + ": " + e.getOriginalMessage(), e);
        }
    }

    /** A double or float as {@link Double#toString} writes it, or {@code null} when NaN or infinite. */
    private static final class FiniteOrNull<T extends Number> extends StdSerializer<T> {
        FiniteOrNull(Class<T> type) {
            super(type);
        }

        @Override
        public void serialize(T value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            double number = value.doubleValue();
            if (Double.isFinite(number)) {
                generator.writeNumber(number);
            } else {
                generator.writeNull();
            }
        }
    }
}
