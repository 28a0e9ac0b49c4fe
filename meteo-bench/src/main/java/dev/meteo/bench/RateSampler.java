package dev.meteo.bench;

import dev.meteo.process.ChildProcess;
import dev.meteo.process.Fleet;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rate of one counter summed over children, from their live status files. Each child's rate is its counter's
 * change divided by the change of its own {@code status_at_ms} (when it read the counter), so the age of a file does
 * not skew the figure; a child that died stops contributing.
 */
final class RateSampler {

    private record Reading(long value, long atMillis) {
    }

    private final List<ChildProcess> children;
    private final String key;
    private final Map<ChildProcess, Reading> last = new HashMap<>();

    RateSampler(List<ChildProcess> children, String key) {
        this.children = List.copyOf(children);
        this.key = key;
        sample();
    }

    /** Per second since the previous call, summed over children. */
    double sample() {
        double rate = 0;
        for (ChildProcess child : children) {
            Map<?, ?> status = Fleet.read(child);
            Reading now = new Reading(Fleet.number(status, key), Fleet.number(status, "status_at_ms"));
            Reading before = last.get(child);
            if (before != null && now.atMillis() > before.atMillis()) {
                rate += (now.value() - before.value()) * 1000.0 / (now.atMillis() - before.atMillis());
            }
            if (now.atMillis() > 0) {
                last.put(child, now);
            }
        }
        return rate;
    }
}
