package dev.meteo.simulation;

import dev.meteo.model.WindowResult;
import dev.meteo.sensor.Sensor;
import dev.meteo.store.SensorCounts;
import dev.meteo.testing.InMemoryStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The verdict on a drained deployment, the same for every seed (docs/guarantees.md, "How nothing lost, nothing counted
 * twice is checked"): per sensor, {@code confirmed <= stored + late + rejected <= sent}; the store's closed windows
 * follow each other and hold every stored record; every terminal holds a contiguous run of exactly those windows, up
 * to the last one closed, the same as the other terminal's where both hold them, and at least one terminal holds them
 * all from the first; no proxy halted; nothing threw what no caller expects.
 */
final class SimulationChecks {

    private SimulationChecks() {
    }

    static List<String> problems(SimulatedDeployment deployment) {
        List<String> problems = new ArrayList<>(deployment.unexpectedEvents());
        String notDrained = deployment.notDrainedBecause();
        if (!deployment.drained() || notDrained != null) {
            problems.add("did not drain in " + SimulatedDeployment.DRAIN_LIMIT_MILLIS / 1000 + " simulated seconds: "
                    + notDrained);
        }
        for (SimulatedProxy proxy : deployment.proxies) {
            if (proxy.halted() != null) {
                problems.add("proxy " + proxy.id + " halted (no fault here explains it): " + proxy.halted());
            }
        }
        InMemoryStore store = deployment.store;
        store.setUnavailable(false); // the faults are over; the checker reads what the store holds
        store.setFull(false);
        Map<String, SensorCounts> counts = store.sensorCounts();
        long stored = 0;
        long late = 0;
        long rejected = 0;
        for (SensorCounts sensorCounts : counts.values()) {
            stored += sensorCounts.stored();
            late += sensorCounts.late();
            rejected += sensorCounts.rejected();
        }
        for (SimulatedSensor sensor : deployment.sensors) {
            Sensor.Stats stats = sensor.sensor.stats();
            String problem = counts.getOrDefault(sensor.id, SensorCounts.NONE).check(stats.confirmed(), stats.failed());
            if (problem != null) {
                problems.add("sensor " + sensor.id + ": " + problem);
            }
        }
        if (late != store.lateCount() || rejected != store.rejectedCount()) {
            problems.add("the sensors' late and rejected counts (" + late + ", " + rejected + ") are not the store's ("
                    + store.lateCount() + ", " + store.rejectedCount() + ")");
        }
        long closed = store.closedHorizon();
        List<WindowResult> saved = store.resultsBetween(Long.MIN_VALUE, closed);
        String gap = gap(saved);
        if (gap != null) {
            problems.add("the store's closed windows: " + gap);
        }
        long inWindows = saved.stream().mapToLong(WindowResult::recordCount).sum();
        if (inWindows != stored) {
            problems.add(inWindows + " records in the closed windows, " + stored + " stored in windows: "
                    + (inWindows > stored ? "some counted twice" : "some lost"));
        }
        boolean someoneHoldsAll = false;
        for (SimulatedTerminal terminal : deployment.terminals) {
            List<WindowResult> held = terminal.kept.results();
            String problem = terminalProblem(held, saved, closed);
            if (problem != null) {
                problems.add("terminal " + terminal.id + ": " + problem);
            } else if (!saved.isEmpty() && held.get(0).equals(saved.get(0))) {
                someoneHoldsAll = true;
            }
        }
        if (!saved.isEmpty() && !someoneHoldsAll) {
            problems.add("no terminal holds every window from the first, " + saved.get(0).start());
        }
        String differ = firstDifference(deployment.terminals.get(0).kept.results(),
                deployment.terminals.get(1).kept.results());
        if (differ != null) {
            problems.add("the terminals differ: " + differ);
        }
        return problems;
    }

    /** Where windows do not follow each other (a gap or a repeat), or {@code null}. */
    private static String gap(List<WindowResult> windows) {
        for (int i = 1; i < windows.size(); i++) {
            if (!windows.get(i - 1).end().equals(windows.get(i).start())) {
                return "window " + i + " starts at " + windows.get(i).start() + ", the one before ends at "
                        + windows.get(i - 1).end() + (windows.get(i).start().isBefore(windows.get(i - 1).end())
                        ? " (a repeat)" : " (a gap)");
            }
        }
        return null;
    }

    /**
     * What is wrong with a terminal's windows: none, a gap or a repeat, a window that is not the one the store closed,
     * or not caught up to the closed horizon. A terminal may start after the first window: one that held no window yet
     * has no position the proxy can catch it up from (as in direct mode), and receives from the window it first gets.
     */
    private static String terminalProblem(List<WindowResult> held, List<WindowResult> saved, long closed) {
        if (held.isEmpty()) {
            return "holds no window";
        }
        String gap = gap(held);
        if (gap != null) {
            return gap;
        }
        int first = -1;
        for (int i = 0; i < saved.size(); i++) {
            if (saved.get(i).start().equals(held.get(0).start())) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return "its first window, at " + held.get(0).start() + ", is none the store closed";
        }
        for (int i = 0; i < held.size(); i++) {
            if (first + i >= saved.size() || !held.get(i).equals(saved.get(first + i))) {
                return "its window at " + held.get(i).start() + " is not the result the store saved at its close";
            }
        }
        Instant lastEnd = held.get(held.size() - 1).end();
        if (lastEnd.toEpochMilli() != closed) {
            return "holds windows up to " + lastEnd + ", the store closed up to " + Instant.ofEpochMilli(closed);
        }
        return null;
    }

    /** Where two terminals hold different windows over the range both hold, or {@code null}. */
    private static String firstDifference(List<WindowResult> a, List<WindowResult> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return null;
        }
        Instant from = a.get(0).start().isAfter(b.get(0).start()) ? a.get(0).start() : b.get(0).start();
        List<WindowResult> commonA = a.stream().filter(w -> !w.start().isBefore(from)).toList();
        List<WindowResult> commonB = b.stream().filter(w -> !w.start().isBefore(from)).toList();
        int common = Math.min(commonA.size(), commonB.size());
        for (int i = 0; i < common; i++) {
            if (!commonA.get(i).equals(commonB.get(i))) {
                return "window " + commonA.get(i).start() + " vs " + commonB.get(i).start();
            }
        }
        return null;
    }
}
