package dev.meteo.process;

import dev.meteo.cli.command.SentMark;
import dev.meteo.cli.metrics.RoleReport;

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

    /**
     * What one sensor reported when its process stopped, or, for a process killed before it could say (SIGKILL), what
     * is known of it ({@link #killedSensorReport}). {@code inDoubt}: records that killed process sent and did not yet
     * know the fate of; 0 for a process that stopped gracefully.
     */
    public record SensorReport(String id, long sent, long confirmed, long failed, long inDoubt) {

        /** A sensor whose process stopped gracefully: nothing in doubt. */
        public SensorReport(String id, long sent, long confirmed, long failed) {
            this(id, sent, confirmed, failed, 0);
        }

        /** The reports of two processes of one sensor id (a sensor restarted keeps its id), added up. */
        SensorReport plus(SensorReport other) {
            return new SensorReport(id, sent + other.sent, confirmed + other.confirmed, failed + other.failed,
                    inDoubt + other.inDoubt);
        }
    }

    /**
     * A sensor process killed before it wrote its final status. Its confirmed and failed counts are those of the last
     * status it wrote while running: lower bounds, as more may have been confirmed since. Its sent count is the exact
     * one of its sent mark ({@link SentMark}, written before each record leaves), or, without one, that of the status.
     * What it sent and had neither confirmed nor failed by that status is in doubt: each of those records may or may not
     * have been classified in the store, so the check of its id allows anything between confirmed and sent.
     */
    public static SensorReport killedSensorReport(String name, RoleReport last, java.util.OptionalLong sentMark) {
        long confirmed = last.confirmed();
        long failed = last.failed();
        long sent = Math.max(last.sent(), sentMark.orElse(0));
        return new SensorReport(name, sent, confirmed, failed, Math.max(0, sent - confirmed - failed));
    }

    /**
     * The sensors of one sensor process, from its final status: each sensor of a fleet ({@code --count}), whose
     * process reports each ({@link RoleReport#sensors()}), or the one sensor of the process, named {@code name}.
     */
    public static List<SensorReport> sensorReports(String name, RoleReport report) {
        return report.sensorsOr(name).stream()
                .map(sensor -> new SensorReport(sensor.id(), sensor.sent(), sensor.confirmed(), sensor.failed())).toList();
    }

    /**
     * The accounting of a run, per sensor and in total. It holds when every sensor's confirmed records are classified
     * once and nothing more than it sent ({@link SensorCounts#check}), every record stored in a window is in the
     * reference terminal's windows, and every terminal holds the same records.
     *
     * @param problems what is wrong, one line each; empty when the accounting holds
     */
    public record Verdict(long sent, long confirmed, long failed, long inDoubt, long inWindows, long storedInWindows,
                          long late, long rejected, List<Long> perTerminal, List<String> problems) {

        /** A verdict with nothing in doubt (no sensor process was killed). */
        public Verdict(long sent, long confirmed, long failed, long inWindows, long storedInWindows, long late,
                       long rejected, List<Long> perTerminal, List<String> problems) {
            this(sent, confirmed, failed, 0, inWindows, storedInWindows, late, rejected, perTerminal, problems);
        }

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

    /**
     * The accounting of a drained run: per sensor id against the store (the reports of every process of one id added
     * up: a restarted sensor keeps its id, and its sequence numbers start after its earlier process's), and the
     * terminals' files against the store and each other: each file's windows contiguous, without a repeat, and the
     * same windows in every file where they overlap.
     */
    public static Verdict verdict(List<SensorReport> sensors, List<Path> terminals, WindowStore store) {
        Map<String, SensorCounts> counts = store.sensorCounts();
        List<String> problems = new ArrayList<>();
        Map<String, SensorReport> byId = new LinkedHashMap<>();
        for (SensorReport report : sensors) {
            byId.merge(report.id(), report, SensorReport::plus);
        }
        long sent = 0;
        long confirmed = 0;
        long failed = 0;
        long inDoubt = 0;
        for (SensorReport sensor : byId.values()) {
            sent += sensor.sent();
            confirmed += sensor.confirmed();
            failed += sensor.failed();
            inDoubt += sensor.inDoubt();
            String problem = counts.getOrDefault(sensor.id(), SensorCounts.NONE)
                    .check(sensor.confirmed(), sensor.failed(), sensor.inDoubt());
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
        problems.addAll(windowProblems(terminals));
        return new Verdict(sent, confirmed, failed, inDoubt, inWindows, storedInWindows, store.lateCount(),
                store.rejectedCount(), perTerminal, problems);
    }

    /**
     * What is wrong with the terminals' windows: in each file, a window that does not start where the one before it
     * ended (a gap, a repeat or a step back); across files, a window that differs from the same window in the first
     * file. A terminal that started receiving later than another may begin later; the windows it lacks at the start
     * must hold no record (else the record counts differ too).
     */
    public static List<String> windowProblems(List<Path> terminals) {
        List<String> problems = new ArrayList<>();
        List<List<WindowResult>> all = terminals.stream().map(Drain::windows).toList();
        for (int t = 0; t < terminals.size(); t++) {
            List<WindowResult> windows = all.get(t);
            for (int i = 1; i < windows.size(); i++) {
                java.time.Instant previousEnd = windows.get(i - 1).end();
                java.time.Instant start = windows.get(i).start();
                if (!start.equals(previousEnd)) {
                    problems.add(terminals.get(t).getFileName() + ": window " + start + " follows one ending at "
                            + previousEnd + (start.isAfter(previousEnd) ? " (a gap)" : " (a repeat or a step back)"));
                }
            }
        }
        if (all.isEmpty()) {
            return problems;
        }
        Map<java.time.Instant, WindowResult> reference = new java.util.HashMap<>();
        all.get(0).forEach(window -> reference.put(window.start(), window));
        for (int t = 1; t < terminals.size(); t++) {
            for (WindowResult window : all.get(t)) {
                WindowResult same = reference.get(window.start());
                if (same != null && !same.equals(window)) {
                    problems.add(terminals.get(t).getFileName() + ": window " + window.start() + " differs from "
                            + terminals.get(0).getFileName() + "'s: " + window + " vs " + same);
                }
            }
        }
        return problems;
    }

    private static boolean pause(long deadlineMillis) throws InterruptedException {
        if (System.currentTimeMillis() > deadlineMillis) {
            return false;
        }
        Thread.sleep(POLL_MILLIS);
        return true;
    }
}
