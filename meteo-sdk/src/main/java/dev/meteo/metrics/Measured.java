package dev.meteo.metrics;

import java.util.List;

/**
 * A part that reports its counters and gauges on demand (at each scrape). Implementations read atomics and return at
 * once: never block, never call a peer. Thread-safe.
 */
public interface Measured {

    /** The part's measurements now; a name with tags appears once. Empty when it counts nothing. */
    List<Measurement> measurements();
}
