package dev.meteo.cli.process;

import dev.meteo.cli.dashboard.JsonlFileSink;
import dev.meteo.model.WindowResult;
import dev.meteo.store.SensorCounts;
import dev.meteo.store.WindowStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The end of a run of separate processes (demo, bench): once the sensors have stopped, wait until every record they
 * had confirmed is classified in the store (in a window, late or rejected), every record stored in a window is in the
 * windows the reference terminal wrote, and every terminal has the last window; then check the accounting per sensor.
 * The terminals' files are written by other processes, so this polls them: there is nothing to await on.
 */
public final class Drain {

    private static final long POLL_MILLIS = 200;

    private Drain() {
    }

    /** What one sensor reported when its process stopped. */
    public record SensorReport(String id, long sent, long confirmed, long failed) {
    }

    /**
     * The sensors of one sensor process, from its final status: each sensor of a fleet ({@code --count}), whose
     * process lists them under {@code sensor_reports}, or the one sensor of the process, named {@code name}.
     */
    public static List<SensorReport> sensorReports(String name, Map<?, ?> status) {
        if (status.get("sensor_reports") instanceof List<?> fleet) {
            List<SensorReport> reports = new ArrayList<>(fleet.size());
            for (Object item : fleet) {
                Map<?, ?> sensor = (Map<?, ?>) item;
                reports.add(new SensorReport(String.valueOf(sensor.get("id")), Fleet.number(sensor, "sent"),
                        Fleet.number(sensor, "confirmed"), Fleet.number(sensor, "failed")));
            }
            return reports;
        }
        return List.of(new SensorReport(name, Fleet.number(status, "sent"), Fleet.number(status, "confirmed"),
                Fleet.number(status, "failed")));
    }

    /**
     * The accounting of a run, per sensor and in total. It holds when every sensor's confirmed records are classified
     * once and nothing more than it sent ({@link SensorCounts#check}), every record stored in a window is in the
     * reference terminal's windows, and every terminal holds the same records.
     *
     * @param problems what is wrong, one line each; empty when the accounting holds
     */
    public record Verdict(long sent, long confirmed, long failed, long inWindows, long storedInWindows, long late,
                          long rejected, List<Long> perTerminal, List<String> problems) {

        public boolean holds() {
            return problems.isEmpty();
        }

        /** Records a sensor confirmed that are in no window, late or rejected (0 when the accounting holds). */
        public long lost() {
            return Math.max(0, confirmed - inWindows - late - rejected);
        }

        public Map<String, Object> toMap() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("sent", sent);
            out.put("confirmed", confirmed);
            out.put("sensor_failed", failed);
            out.put("in_windows", inWindows);
            out.put("stored_in_windows", storedInWindows);
            out.put("late", late);
            out.put("rejected", rejected);
            out.put("records_in_windows_per_terminal", perTerminal);
            out.put("problems", problems);
            out.put("identity", "per sensor: confirmed <= stored + late + rejected <= confirmed + failed; stored in "
                    + "windows = records in every terminal's windows");
            return out;
        }
    }

    /** The windows in a terminal's JSON-lines file; none while the file does not exist. */
    public static List<WindowResult> windows(Path jsonl) {
        return Files.isRegularFile(jsonl) ? JsonlFileSink.read(jsonl) : List.of();
    }

    public static long recordsInWindows(Path jsonl) {
        return windows(jsonl).stream().mapToLong(WindowResult::recordCount).sum();
    }

    private static long lastEnd(Path jsonl) {
        List<WindowResult> windows = windows(jsonl);
        return windows.isEmpty() ? Long.MIN_VALUE : windows.get(windows.size() - 1).end().toEpochMilli();
    }

    private static long stored(WindowStore store) {
        return store.sensorCounts().values().stream().mapToLong(SensorCounts::stored).sum();
    }

    private static long classified(WindowStore store) {
        return store.sensorCounts().values().stream().mapToLong(SensorCounts::total).sum();
    }

    /**
     * Waits until {@code reference} holds a window that ends after {@code stoppedAtMillis} (every window a record can
     * be in has closed), the store classified at least the {@code confirmed} records, and the reference's windows hold
     * every record stored in a window; then until every terminal file has the reference's last window. Returns false
     * when {@code deadlineMillis} passed first.
     */
    public static boolean awaitAccounted(Path reference, List<Path> terminals, long stoppedAtMillis, long confirmed,
                                         WindowStore store, long deadlineMillis) throws InterruptedException {
        while (!(lastEnd(reference) > stoppedAtMillis && classified(store) >= confirmed
                && recordsInWindows(reference) >= stored(store))) {
            if (!pause(deadlineMillis)) {
                return false;
            }
        }
        long end = lastEnd(reference);
        for (Path terminal : terminals) {
            while (lastEnd(terminal) < end) {
                if (!pause(deadlineMillis)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The accounting of a drained run: per sensor against the store, and the terminals' files against the store. */
    public static Verdict verdict(List<SensorReport> sensors, List<Path> terminals, WindowStore store) {
        Map<String, SensorCounts> counts = store.sensorCounts();
        List<String> problems = new ArrayList<>();
        long sent = 0;
        long confirmed = 0;
        long failed = 0;
        for (SensorReport sensor : sensors) {
            sent += sensor.sent();
            confirmed += sensor.confirmed();
            failed += sensor.failed();
            String problem = counts.getOrDefault(sensor.id(), SensorCounts.NONE).check(sensor.confirmed(), sensor.failed());
            if (problem != null) {
                problems.add("sensor " + sensor.id() + ": " + problem);
            }
        }
        List<Long> perTerminal = terminals.stream().map(Drain::recordsInWindows).toList();
        long storedInWindows = stored(store);
        long inWindows = perTerminal.isEmpty() ? 0 : perTerminal.get(0);
        if (inWindows != storedInWindows) {
            problems.add(storedInWindows + " records stored in windows, " + inWindows + " in the windows of "
                    + terminals.get(0).getFileName());
        }
        if (perTerminal.stream().distinct().count() > 1) {
            problems.add("the terminals hold different records: " + perTerminal);
        }
        return new Verdict(sent, confirmed, failed, inWindows, storedInWindows, store.lateCount(), store.rejectedCount(),
                perTerminal, problems);
    }

    private static boolean pause(long deadlineMillis) throws InterruptedException {
        if (System.currentTimeMillis() > deadlineMillis) {
            return false;
        }
        Thread.sleep(POLL_MILLIS);
        return true;
    }
}
