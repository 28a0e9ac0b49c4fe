package dev.meteo.bench;

import dev.meteo.cli.metrics.RoleReport;

import dev.meteo.process.ChildProcess;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rate of one counter (a metric name of {@link RoleReport}) summed over children, from their live reports. Each
 * child's rate is its counter's change divided by the change of its report's {@link RoleReport#atMillis()} (when it
 * read the counter), so the age of a file does not skew the figure; a child that died stops contributing.
 */
final class RateSampler {

    private record Reading(long value, long atMillis) {
    }

    private final List<ChildProcess> children;
    private final String metric;
    private final Map<ChildProcess, Reading> last = new HashMap<>();

    RateSampler(List<ChildProcess> children, String metric) {
        this.children = List.copyOf(children);
        this.metric = metric;
        sample();
    }

    /** Per second since the previous call, summed over children. */
    double sample() {
        double rate = 0;
        for (ChildProcess child : children) {
            RoleReport report = child.report();
            Reading now = new Reading(report.count(metric), report.atMillis());
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
