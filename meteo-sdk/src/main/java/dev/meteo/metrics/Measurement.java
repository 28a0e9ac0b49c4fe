package dev.meteo.metrics;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One value a part reports: a counter (a total since the part started, never decreasing) or a gauge (a value now).
 *
 * @param name        dotted and lower case, the unit last where there is one ({@code meteo.lb.backend.calls},
 *                    {@code meteo.rabbit.unconfirmed}); a registry adds its own conventions (Prometheus: {@code _total})
 * @param kind        counter or gauge
 * @param description one line for the metric's help text
 * @param tags        labels that tell the values of one name apart (a backend's address); keep their values bounded
 * @param value       the value when it was read
 */
public record Measurement(String name, Kind kind, String description, Map<String, String> tags, double value) {

    /** Whether a value only grows (a total) or goes up and down. */
    public enum Kind {
        COUNTER, GAUGE
    }

    public Measurement {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(description, "description");
        tags = Map.copyOf(tags);
    }

    /** A counter without tags. */
    public static Measurement counter(String name, String description, double value) {
        return new Measurement(name, Kind.COUNTER, description, Map.of(), value);
    }

    /** A gauge without tags. */
    public static Measurement gauge(String name, String description, double value) {
        return new Measurement(name, Kind.GAUGE, description, Map.of(), value);
    }

    /** This measurement with one more tag. */
    public Measurement tagged(String key, String tagValue) {
        Map<String, String> more = new HashMap<>(tags);
        more.put(key, tagValue);
        return new Measurement(name, kind, description, more, value);
    }
}
