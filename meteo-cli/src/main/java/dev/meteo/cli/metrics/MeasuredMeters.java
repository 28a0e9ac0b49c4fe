package dev.meteo.cli.metrics;

import dev.meteo.metrics.Measured;
import dev.meteo.metrics.Measurement;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Binds a {@link Measured} part to a Micrometer registry: each measurement becomes a function counter or a gauge that
 * reads the value of the last {@link #refresh()}. Meters of a name and tags seen for the first time (a new backend)
 * are registered at that refresh; one that is no longer reported keeps its last value. Thread-safe.
 */
final class MeasuredMeters {

    private final MeterRegistry registry;
    private final Measured part;
    private final Map<String, Double> latest = new ConcurrentHashMap<>();

    MeasuredMeters(MeterRegistry registry, Measured part) {
        this.registry = registry;
        this.part = part;
        refresh();
    }

    /** Reads the part's measurements now, registering the new ones. */
    void refresh() {
        for (Measurement measurement : part.measurements()) {
            String key = measurement.name() + new TreeMap<>(measurement.tags());
            if (latest.put(key, measurement.value()) == null) {
                register(measurement, key);
            }
        }
    }

    private void register(Measurement measurement, String key) {
        Tags tags = Tags.empty();
        for (Map.Entry<String, String> tag : measurement.tags().entrySet()) {
            tags = tags.and(tag.getKey(), tag.getValue());
        }
        if (measurement.kind() == Measurement.Kind.COUNTER) {
            FunctionCounter.builder(measurement.name(), latest, values -> values.getOrDefault(key, 0.0))
                    .description(measurement.description()).tags(tags).register(registry);
        } else {
            Gauge.builder(measurement.name(), latest, values -> values.getOrDefault(key, Double.NaN))
                    .description(measurement.description()).tags(tags).register(registry);
        }
    }
}
