package dev.meteo.nemesis;

import dev.meteo.model.WindowResult;
import dev.meteo.store.SensorCounts;
import dev.meteo.store.WindowStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The verdict of a nemesis run, once it drained (the sensors stopped, every window with a record closed and at every
 * terminal), from what the run left: the terminals' windows, the sensors' reports, the store's counts, the history of
 * faults and the samples taken during the run. It checks
 * <ol>
 * <li>every confirmed record exactly once: per sensor, {@code confirmed <= stored + late + rejected <= confirmed +
 *     failed + in doubt} ({@link SensorCounts#check}), and no sensor in the store that no report names;</li>
 * <li>every terminal's windows contiguous (no gap, no repeat), the same windows with the same content at every
 *     terminal, up to the store's closed horizon, and as many records in them as the store holds in windows;</li>
 * <li>no record late that the faults do not explain: records first counted late at a window (its running late count
 *     rose) were held on their way to the store for longer than the grace, so some fault that can hold records
 *     ({@link Fault#explainsLateBy}: of a role on their way to the store, or a sensor clock far enough behind) must
 *     have held them longer than the grace less the processing time and overlapped (up to {@link Fault#heldUntil})
 *     the time they could have been counted, from the close of the
 *     window before ({@code end + grace}) to that window's close, give or take a slack (retries after a fault, a close
 *     delayed by a catch-up);</li>
 * <li>each fault's time to recover: from its end to the first sample whose windows are on time again and whose rate
 *     is back to a share of the rate before the fault (the median of its samples); a problem when the samples go on
 *     past the bound without it.</li>
 * </ol>
 */
public final class Checker {

    /**
     * How strictly to judge.
     *
     * @param grace           the deployment's grace; {@code null}: the store's ({@link WindowStore#graceMillis()})
     * @param lateSlack       how far outside the interval in which late records were counted a fault may lie and
     *                        still explain them (sensor retries back off, a catch-up closes windows late)
     * @param onTime          a window lag at most this is on time
     * @param rateRecovered   the share of the rate before a fault that counts as the rate back, in [0, 1]
     * @param baseline        how long before a fault its rate before is averaged over
     * @param recoveryBound   a fault not recovered this long after its end (while samples go on) is a problem
     * @param processing      the longest a record may take from its detection to the store when nothing fails (the
     *                        compute servers' artificial processing delay plus transport): a sensor clock behind by
     *                        more than the grace less this has its records counted late by design
     */
    public record Settings(Duration grace, Duration lateSlack, Duration onTime, double rateRecovered,
                           Duration baseline, Duration recoveryBound, Duration processing) {

        public Settings {
            Objects.requireNonNull(lateSlack, "lateSlack");
            Objects.requireNonNull(processing, "processing");
            if (processing.isNegative()) {
                throw new IllegalArgumentException("processing is a time, not negative: " + processing);
            }
            if (rateRecovered < 0 || rateRecovered > 1) {
                throw new IllegalArgumentException("rateRecovered is a share in [0, 1]: " + rateRecovered);
            }
        }

        /**
         * The store's grace, 5 s of slack, on time within 1 s, 80 % of the rate before over 10 s, 60 s to recover, no
         * processing time.
         */
        public static Settings defaults() {
            return new Settings(null, Duration.ofSeconds(5), Duration.ofSeconds(1), 0.8, Duration.ofSeconds(10),
                    Duration.ofSeconds(60), Duration.ZERO);
        }

        public Settings withGrace(Duration grace) {
            return new Settings(grace, lateSlack, onTime, rateRecovered, baseline, recoveryBound, processing);
        }

        public Settings withProcessing(Duration processing) {
            return new Settings(grace, lateSlack, onTime, rateRecovered, baseline, recoveryBound, processing);
        }
    }

    /**
     * What a drained run left.
     *
     * @param terminals per terminal id, its windows in file order ({@link TerminalFile#read})
     * @param sensors   the sensors' reports
     * @param store     the deployment's store (Redis, or the in-memory one), read after the drain
     * @param faults    the history ({@link History#read}); a fault without an end lasted to {@code runEnd}
     * @param samples   the run's samples in time order; empty: recovery times are not known
     * @param runEnd    when the run stopped injecting faults
     */
    public record Evidence(Map<String, List<WindowResult>> terminals, SensorReports sensors, WindowStore store,
                           List<Fault> faults, List<RunSample> samples, Instant runEnd) {

        public Evidence {
            terminals = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(terminals));
            faults = List.copyOf(faults);
            samples = List.copyOf(samples);
            Objects.requireNonNull(sensors, "sensors");
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(runEnd, "runEnd");
        }
    }

    /** Late records first counted at one window (or after the last one), and the faults that explain them. */
    public record LateRecords(Instant countedAfter, Instant countedBy, long count, List<Fault> explainedBy) {

        public boolean explained() {
            return !explainedBy.isEmpty();
        }
    }

    /** A fault and how long the deployment took to recover from it; empty when not seen to recover. */
    public record Recovery(Fault fault, Optional<Duration> timeToRecover) {
    }

    /**
     * The verdict.
     *
     * @param problems what is wrong, one line each; empty when the run passes
     */
    public record Verdict(long confirmed, long storedInWindows, long late, long rejected, List<LateRecords> lateRecords,
                          List<Recovery> recoveries, List<String> problems) {

        public boolean passes() {
            return problems.isEmpty();
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder(passes() ? "PASS" : "FAIL (" + problems.size() + " problems)");
            text.append(": confirmed ").append(confirmed).append(", in windows ").append(storedInWindows)
                    .append(", late ").append(late).append(", rejected ").append(rejected);
            problems.forEach(problem -> text.append("\n  PROBLEM ").append(problem));
            recoveries.forEach(recovery -> text.append("\n  ").append(recovery.fault()).append(": ")
                    .append(recovery.timeToRecover().map(time -> "recovered in " + time.toMillis() + " ms")
                            .orElse("recovery not seen")));
            return text.toString();
        }
    }

    private final Settings settings;

    public Checker(Settings settings) {
        this.settings = settings;
    }

    /** Judges a drained run. Reads the store; changes nothing. */
    public Verdict check(Evidence evidence) {
        List<String> problems = new ArrayList<>();
        Map<String, SensorCounts> counts = evidence.store().sensorCounts();
        long confirmed = checkSensors(evidence.sensors().bySensor(), counts, problems);
        long storedInWindows = counts.values().stream().mapToLong(SensorCounts::stored).sum();
        List<WindowResult> reference = checkTerminals(evidence, storedInWindows, problems);
        Duration grace = grace(evidence.store());
        List<LateRecords> late = lateRecords(reference, evidence, grace);
        late.stream().filter(records -> !records.explained()).forEach(records -> problems.add(records.count()
                + " records counted late between " + records.countedAfter() + " and " + records.countedBy()
                + " that no fault explains (none on their way to the store held records longer than the grace of "
                + grace.toMillis() + " ms less the processing time then)"));
        List<Recovery> recoveries = recoveries(evidence, problems);
        return new Verdict(confirmed, storedInWindows, evidence.store().lateCount(), evidence.store().rejectedCount(),
                late, recoveries, List.copyOf(problems));
    }

    private static long checkSensors(Map<String, SensorReports.Tally> sensors, Map<String, SensorCounts> counts,
                                     List<String> problems) {
        long confirmed = 0;
        for (Map.Entry<String, SensorReports.Tally> sensor : new TreeMap<>(sensors).entrySet()) {
            SensorReports.Tally tally = sensor.getValue();
            confirmed += tally.confirmed();
            String problem = counts.getOrDefault(sensor.getKey(), SensorCounts.NONE)
                    .check(tally.confirmed(), tally.failed(), tally.inDoubt());
            if (problem != null) {
                problems.add("sensor " + sensor.getKey() + ": " + problem);
            }
        }
        new TreeMap<>(counts).forEach((id, sensorCounts) -> {
            if (!sensors.containsKey(id) && sensorCounts.total() > 0) {
                problems.add("sensor " + id + " has records in the store (" + sensorCounts
                        + ") but no sensor of the run reported it");
            }
        });
        return confirmed;
    }

    /** Checks the terminals; returns the windows the others are compared with (the first terminal's). */
    private static List<WindowResult> checkTerminals(Evidence evidence, long storedInWindows, List<String> problems) {
        if (evidence.terminals().isEmpty()) {
            problems.add("no terminal's windows to check");
            return List.of();
        }
        String referenceId = evidence.terminals().keySet().iterator().next();
        List<WindowResult> reference = evidence.terminals().get(referenceId);
        long closedHorizon = evidence.store().closedHorizon();
        evidence.terminals().forEach((id, windows) -> {
            for (int i = 1; i < windows.size(); i++) {
                Instant previousEnd = windows.get(i - 1).end();
                Instant start = windows.get(i).start();
                if (!start.equals(previousEnd)) {
                    problems.add("terminal " + id + ": window " + start + " follows one ending at " + previousEnd
                            + (start.isAfter(previousEnd) ? " (a gap)" : " (a repeat or a step back)"));
                }
            }
            long lastEnd = windows.isEmpty() ? Long.MIN_VALUE : windows.get(windows.size() - 1).end().toEpochMilli();
            if (lastEnd != closedHorizon) {
                problems.add("terminal " + id + " holds windows up to " + (windows.isEmpty() ? "none"
                        : Instant.ofEpochMilli(lastEnd)) + " but the store closed them up to "
                        + (closedHorizon == Long.MIN_VALUE ? "none" : Instant.ofEpochMilli(closedHorizon)));
            }
            if (!id.equals(referenceId)) {
                compare(id, windows, referenceId, reference, problems);
            }
        });
        long inWindows = reference.stream().mapToLong(WindowResult::recordCount).sum();
        if (inWindows != storedInWindows) {
            problems.add(storedInWindows + " records stored in windows, " + inWindows + " in the windows of terminal "
                    + referenceId);
        }
        return reference;
    }

    private static void compare(String id, List<WindowResult> windows, String referenceId,
                                List<WindowResult> reference, List<String> problems) {
        Map<Instant, WindowResult> theirs = new TreeMap<>();
        windows.forEach(window -> theirs.putIfAbsent(window.start(), window));
        Map<Instant, WindowResult> ours = new TreeMap<>();
        reference.forEach(window -> ours.putIfAbsent(window.start(), window));
        ours.forEach((start, window) -> {
            WindowResult same = theirs.get(start);
            if (same == null) {
                problems.add("terminal " + id + " lacks window " + start + " that terminal " + referenceId + " holds");
            } else if (!same.equals(window)) {
                problems.add("terminal " + id + ": window " + start + " differs from terminal " + referenceId
                        + "'s: " + same + " vs " + window);
            }
        });
        theirs.keySet().stream().filter(start -> !ours.containsKey(start)).forEach(start -> problems.add(
                "terminal " + id + " holds window " + start + " that terminal " + referenceId + " lacks"));
    }

    private Duration grace(WindowStore store) {
        if (settings.grace() != null) {
            return settings.grace();
        }
        if (store.graceMillis() < 0) {
            throw new IllegalStateException("the store keeps no grace for this deployment: give the checker one");
        }
        return Duration.ofMillis(store.graceMillis());
    }

    /**
     * Where the running late count rises: between the close of the window before ({@code end + grace}) and this one's,
     * those records were counted late; after the last window, the store's late count beyond the last window's was
     * counted between its close and the end of the run.
     */
    private List<LateRecords> lateRecords(List<WindowResult> windows, Evidence evidence, Duration grace) {
        List<LateRecords> late = new ArrayList<>();
        long before = 0;
        Instant countedAfter = windows.isEmpty() ? Instant.MIN : windows.get(0).start();
        for (WindowResult window : windows) {
            Instant countedBy = window.end().plus(grace);
            if (window.lateRecords() > before) {
                late.add(explain(countedAfter, countedBy, window.lateRecords() - before, evidence, grace));
            }
            before = Math.max(before, window.lateRecords());
            countedAfter = countedBy;
        }
        long afterLastWindow = evidence.store().lateCount() - before;
        if (afterLastWindow > 0) {
            late.add(explain(countedAfter, evidence.runEnd(), afterLastWindow, evidence, grace));
        }
        return late;
    }

    private LateRecords explain(Instant countedAfter, Instant countedBy, long count, Evidence evidence,
                                Duration grace) {
        Instant from = countedAfter.equals(Instant.MIN) ? countedAfter : countedAfter.minus(settings.lateSlack());
        Instant to = countedBy.plus(settings.lateSlack());
        List<Fault> explaining = evidence.faults().stream()
                .filter(fault -> fault.explainsLateBy(grace, settings.processing(), evidence.runEnd()))
                .filter(fault -> !fault.start().isAfter(to) && !fault.heldUntil(evidence.runEnd()).isBefore(from))
                .toList();
        return new LateRecords(countedAfter, countedBy, count, explaining);
    }

    private List<Recovery> recoveries(Evidence evidence, List<String> problems) {
        List<Recovery> recoveries = new ArrayList<>();
        List<RunSample> samples = evidence.samples();
        for (Fault fault : evidence.faults()) {
            if (!fault.ended() || samples.isEmpty()) {
                recoveries.add(new Recovery(fault, Optional.empty()));
                continue;
            }
            // the median, not the mean: a fault's baseline often holds the catch-up burst after the fault before
            // it, whose mean the steady rate may never reach again (a half-hour run's first store loss "never
            // recovered" so, at 8 records/s against a mean of 10)
            double rateBefore = median(samples.stream()
                    .filter(sample -> sample.at().isBefore(fault.start())
                            && !sample.at().isBefore(fault.start().minus(settings.baseline())))
                    .mapToDouble(RunSample::recordsPerSecond).sorted().toArray());
            Optional<Duration> recovered = samples.stream()
                    .filter(sample -> !sample.at().isBefore(fault.end()))
                    .filter(sample -> sample.windowLag().compareTo(settings.onTime()) <= 0
                            && sample.recordsPerSecond() >= settings.rateRecovered() * rateBefore)
                    .findFirst()
                    .map(sample -> Duration.between(fault.end(), sample.at()));
            recoveries.add(new Recovery(fault, recovered));
            Instant lastSample = samples.get(samples.size() - 1).at();
            Instant bound = fault.end().plus(settings.recoveryBound());
            boolean tooLate = recovered.map(time -> time.compareTo(settings.recoveryBound()) > 0)
                    .orElse(lastSample.isAfter(bound));
            if (tooLate) {
                problems.add(fault + ": not recovered within " + settings.recoveryBound().toSeconds()
                        + " s of its end (windows on time and the rate back to "
                        + Math.round(settings.rateRecovered() * 100) + " % of " + Math.round(rateBefore) + "/s)");
            }
        }
        return recoveries;
    }

    /** The median of {@code sorted} (ascending), 0 when empty. */
    private static double median(double[] sorted) {
        if (sorted.length == 0) {
            return 0;
        }
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
