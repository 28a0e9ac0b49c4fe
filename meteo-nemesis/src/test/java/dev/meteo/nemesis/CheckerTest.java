package dev.meteo.nemesis;

import dev.meteo.model.Coefficient;
import dev.meteo.model.CoefficientKind;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.RecordId;
import dev.meteo.model.WindowResult;
import dev.meteo.store.CoefficientStore;
import dev.meteo.store.StoreOutcome;
import dev.meteo.store.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checker on hand-made runs: a store filled as compute servers and a proxy would (windows of 2 s, grace 1 s, in
 * the past so that the store's own clock lets them close), terminals' files written in the launcher's format, and
 * hand-made histories and samples. Each store the checker reads extends this (in memory, Redis).
 */
abstract class CheckerTest {

    static final long WINDOW = 2_000;
    static final long GRACE = 1_000;
    static final String OWNER = "proxy-test/1";

    @TempDir
    Path dir;

    WindowStore store;
    CoefficientStore coefficients;
    long t0;

    /** A fresh store of the kind under test; both ports in one object. */
    abstract <S extends WindowStore & CoefficientStore> S openStore();

    /** Removes what the store left on a shared server. */
    abstract void cleanUp(WindowStore store);

    @BeforeEach
    void startDeployment() {
        var opened = openStore();
        store = opened;
        coefficients = opened;
        long tenMinutesAgo = System.currentTimeMillis() - 600_000;
        t0 = tenMinutesAgo - Math.floorMod(tenMinutesAgo, WINDOW);
        store.initialiseHorizon(t0, WINDOW, GRACE, t0);
        assertTrue(store.acquireLease(OWNER, Duration.ofMinutes(5)));
    }

    @AfterEach
    void stop() {
        cleanUp(store);
        store.close();
    }

    // ---- the run, by hand

    private StoreOutcome record(String sensor, long sequence, long atMillis) {
        CoefficientKind kind = sensor.startsWith("air") ? CoefficientKind.WELLNESS : CoefficientKind.POLLUTION;
        Coefficient coefficient = new Coefficient(kind, new RecordId(sensor, sequence), Instant.ofEpochMilli(atMillis),
                0.25 + sequence / 100.0);
        return coefficients.storeAll(List.of(coefficient)).get(0);
    }

    /** Sensor {@code sensor} stores {@code count} records in window {@code index}, numbered from {@code first}. */
    private void records(String sensor, long first, int count, int index) {
        for (int i = 0; i < count; i++) {
            assertEquals(StoreOutcome.STORED, record(sensor, first + i, t0 + index * WINDOW + 100 + i));
        }
    }

    private void close(int windows) {
        for (int index = 0; index < windows; index++) {
            long start = store.closedHorizon();
            assertEquals(WindowStore.CloseOutcome.CLOSED, store.closeWindow(OWNER, start, start + WINDOW,
                    start + WINDOW + GRACE));
        }
    }

    private Instant at(long offsetMillis) {
        return Instant.ofEpochMilli(t0 + offsetMillis);
    }

    private List<WindowResult> saved() {
        return store.resultsBetween(Long.MIN_VALUE, store.closedHorizon());
    }

    /** Writes the windows as {@code meteo terminal} does (WindowResultJson) and reads them back as the checker will. */
    private List<WindowResult> terminal(String id, List<WindowResult> windows) throws IOException {
        Path file = dir.resolve("terminal-" + id + ".jsonl");
        StringBuilder lines = new StringBuilder();
        windows.forEach(window -> lines.append(line(window)).append('\n'));
        Files.writeString(file, lines, StandardCharsets.UTF_8);
        return TerminalFile.read(file);
    }

    static String line(WindowResult window) {
        return "{\"start\":" + window.start().toEpochMilli() + ",\"end\":" + window.end().toEpochMilli()
                + ",\"wellness\":" + statistics(window.wellness()) + ",\"pollution\":" + statistics(window.pollution())
                + ",\"late\":" + window.lateRecords() + "}";
    }

    private static String statistics(KindStatistics statistics) {
        if (statistics.isEmpty()) {
            return "{\"count\":0,\"mean\":null,\"stddev\":null,\"min\":null,\"max\":null,\"latest\":null}";
        }
        return String.format(Locale.ROOT, "{\"count\":%d,\"mean\":%s,\"stddev\":%s,\"min\":%s,\"max\":%s,\"latest\":%d}",
                statistics.count(), statistics.mean(), statistics.stddev(), statistics.min(), statistics.max(),
                statistics.latest().toEpochMilli());
    }

    private static SensorReports sensors(Object... idAndTally) {
        Map<String, SensorReports.Tally> tallies = new LinkedHashMap<>();
        for (int i = 0; i < idAndTally.length; i += 2) {
            tallies.put((String) idAndTally[i], (SensorReports.Tally) idAndTally[i + 1]);
        }
        return () -> tallies;
    }

    private static SensorReports.Tally confirmed(long confirmed) {
        return new SensorReports.Tally(confirmed, 0, 0);
    }

    private Checker.Verdict check(Map<String, List<WindowResult>> terminals, SensorReports sensors, List<Fault> faults,
                                  List<RunSample> samples) {
        return check(Checker.Settings.defaults(), terminals, sensors, faults, samples);
    }

    private Checker.Verdict check(Checker.Settings settings, Map<String, List<WindowResult>> terminals,
                                  SensorReports sensors, List<Fault> faults, List<RunSample> samples) {
        Checker.Verdict verdict = new Checker(settings).check(new Checker.Evidence(terminals, sensors, store, faults,
                samples, at(20 * WINDOW)));
        System.out.println(verdict);
        return verdict;
    }

    private Map<String, List<WindowResult>> twoTerminals() throws IOException {
        Map<String, List<WindowResult>> terminals = new LinkedHashMap<>();
        terminals.put("1", terminal("1", saved()));
        terminals.put("2", terminal("2", saved()));
        return terminals;
    }

    /** Five windows with records of two sensors, all closed on time, nothing late. */
    private void aQuietRun() {
        for (int index = 0; index < 5; index++) {
            records("air-1", index * 10L, 3, index);
            records("pollution-1", index * 10L, 2, index);
        }
        close(5);
    }

    // ---- the checks

    @Test
    void aRunWhereEveryRecordIsOnceAndTheTerminalsAgreePasses() throws IOException {
        aQuietRun();
        Map<String, List<WindowResult>> terminals = twoTerminals();
        assertEquals(saved(), terminals.get("1"), "the terminal's file reads back as the store saved it");
        Checker.Verdict verdict = check(terminals, sensors("air-1", confirmed(15), "pollution-1", confirmed(10)),
                List.of(), List.of());
        assertTrue(verdict.passes(), verdict.toString());
        assertEquals(25, verdict.confirmed());
        assertEquals(25, verdict.storedInWindows());
    }

    @Test
    void aConfirmedRecordMissingFromTheStoreFailsTheRun() throws IOException {
        aQuietRun();
        Checker.Verdict verdict = check(twoTerminals(), sensors("air-1", confirmed(16), "pollution-1", confirmed(10)),
                List.of(), List.of());
        assertFalse(verdict.passes());
        assertTrue(verdict.problems().get(0).startsWith("sensor air-1: 1 confirmed records are in no window"),
                verdict.toString());
    }

    @Test
    void aRecordCountedTwiceFailsTheRunThoughTheTotalsAgree() throws IOException {
        aQuietRun();
        // air-1 sent 15 records, all confirmed, yet the store holds one more: a double count that a record pollution-1
        // lost would hide in the totals
        Checker.Verdict verdict = check(twoTerminals(), sensors("air-1", confirmed(14), "pollution-1", confirmed(11)),
                List.of(), List.of());
        assertEquals(List.of("sensor air-1: 1 more records classified than the sensor sent (SensorCounts[stored=15, "
                        + "late=0, rejected=0], confirmed 14, failed 0): some counted twice",
                "sensor pollution-1: 1 confirmed records are in no window, late or rejected (SensorCounts[stored=10, "
                        + "late=0, rejected=0])"),
                verdict.problems());
    }

    @Test
    void aSensorOfTheStoreThatNoReportNamesFailsTheRun() throws IOException {
        aQuietRun();
        Checker.Verdict verdict = check(twoTerminals(), sensors("air-1", confirmed(15)), List.of(), List.of());
        assertEquals(1, verdict.problems().size(), verdict.toString());
        assertTrue(verdict.problems().get(0).contains("pollution-1"), verdict.toString());
    }

    @Test
    void aGapARepeatAMissingLastWindowAndADifferentWindowAreEachFound() throws IOException {
        aQuietRun();
        List<WindowResult> all = saved();
        Map<String, List<WindowResult>> terminals = new LinkedHashMap<>();
        terminals.put("1", terminal("1", all));
        terminals.put("gap", terminal("gap", List.of(all.get(0), all.get(1), all.get(3), all.get(4))));
        terminals.put("repeat", terminal("repeat", List.of(all.get(0), all.get(1), all.get(1), all.get(2),
                all.get(3), all.get(4))));
        terminals.put("short", terminal("short", all.subList(0, 4)));
        WindowResult changed = all.get(2);
        changed = new WindowResult(changed.start(), changed.end(), changed.wellness(), KindStatistics.EMPTY,
                changed.lateRecords());
        terminals.put("changed", terminal("changed", List.of(all.get(0), all.get(1), changed, all.get(3),
                all.get(4))));
        Checker.Verdict verdict = check(terminals, sensors("air-1", confirmed(15), "pollution-1", confirmed(10)),
                List.of(), List.of());
        String problems = String.join("\n", verdict.problems());
        assertTrue(problems.contains("terminal gap: window " + at(3 * WINDOW) + " follows one ending at "
                + at(2 * WINDOW) + " (a gap)"), problems);
        assertTrue(problems.contains("terminal gap lacks window " + at(2 * WINDOW)), problems);
        assertTrue(problems.contains("terminal repeat: window " + at(WINDOW) + " follows one ending at "
                + at(2 * WINDOW) + " (a repeat or a step back)"), problems);
        assertTrue(problems.contains("terminal short holds windows up to " + at(4 * WINDOW)
                + " but the store closed them up to " + at(5 * WINDOW)), problems);
        assertTrue(problems.contains("terminal short lacks window " + at(4 * WINDOW)), problems);
        assertTrue(problems.contains("terminal changed: window " + at(2 * WINDOW) + " differs"), problems);
        assertEquals(6, verdict.problems().size(), problems);
    }

    @Test
    void aTerminalMissingRecordsTheStoreHoldsInWindowsFailsTheRun() throws IOException {
        aQuietRun();
        List<WindowResult> all = new ArrayList<>(saved());
        WindowResult last = all.remove(all.size() - 1);
        all.add(new WindowResult(last.start(), last.end(), KindStatistics.EMPTY, last.pollution(), last.lateRecords()));
        Map<String, List<WindowResult>> terminals = Map.of("1", terminal("1", all));
        Checker.Verdict verdict = check(terminals, sensors("air-1", confirmed(15), "pollution-1", confirmed(10)),
                List.of(), List.of());
        assertEquals(List.of("25 records stored in windows, 22 in the windows of terminal 1"), verdict.problems());
    }

    /**
     * Window 0 and 1 closed; then air-1's record of window 1 arrives (held by a server): late, first counted at
     * window 2, i.e. between window 1's close ({@code 4 s + grace} into the run) and window 2's ({@code 6 s + grace}).
     */
    private void aRunWithOneLateRecord() {
        records("air-1", 0, 3, 0);
        records("air-1", 10, 2, 1);
        close(2);
        assertEquals(StoreOutcome.LATE, record("air-1", 12, t0 + WINDOW + 500));
        records("air-1", 20, 2, 2);
        close(3);
    }

    @Test
    void aLateRecordNoFaultExplainsFailsTheRun() throws IOException {
        aRunWithOneLateRecord();
        Checker.Verdict verdict = check(twoTerminals(), sensors("air-1", confirmed(8)), List.of(), List.of());
        assertEquals(1, verdict.lateRecords().size());
        assertEquals(List.of("1 records counted late between " + at(2 * WINDOW + GRACE) + " and "
                + at(3 * WINDOW + GRACE) + " that no fault explains (none on their way to the store held records "
                + "longer than the grace of 1000 ms less the processing time then)"), verdict.problems());
    }

    @Test
    void aLateRecordIsExplainedByAPauseOfAServerLongerThanTheGraceAroundItsCounting() throws IOException {
        aRunWithOneLateRecord();
        Fault pause = new Fault(FaultKind.PAUSE, "server-2", at(WINDOW + 200), at(WINDOW + 200 + 4_000), Map.of());
        Checker.Verdict verdict = check(twoTerminals(), sensors("air-1", confirmed(8)), List.of(pause), List.of());
        assertTrue(verdict.passes(), verdict.toString());
        assertEquals(List.of(pause), verdict.lateRecords().get(0).explainedBy());
    }

    @Test
    void aLateRecordIsNotExplainedByAFaultShorterThanTheGraceFarAwayInTimeOrOfAKindThatHoldsNoRecord()
            throws IOException {
        aRunWithOneLateRecord();
        List<Fault> faults = List.of(
                new Fault(FaultKind.KILL, "server-1", at(WINDOW), at(WINDOW + 800), Map.of()),
                new Fault(FaultKind.PAUSE, "server-2", at(15 * WINDOW), at(15 * WINDOW + 10_000), Map.of()),
                new Fault(FaultKind.TERMINAL_DISK_FULL, "terminal-1", at(WINDOW), at(WINDOW + 9_000), Map.of()),
                new Fault(FaultKind.CLOCK_OFFSET, "sensor-air", at(WINDOW), at(WINDOW + 9_000),
                        Map.of(Fault.OFFSET_MILLIS, "-500")));
        Checker.Verdict verdict = check(twoTerminals(), sensors("air-1", confirmed(8)), faults, List.of());
        assertFalse(verdict.passes(), verdict.toString());
        assertFalse(verdict.lateRecords().get(0).explained());
    }

    @Test
    void aSensorClockBehindByMoreThanTheGraceExplainsItsLateRecords() throws IOException {
        aRunWithOneLateRecord();
        Fault offset = new Fault(FaultKind.CLOCK_OFFSET, "sensor-air", at(WINDOW), at(WINDOW + 9_000),
                Map.of(Fault.OFFSET_MILLIS, "-5000"));
        assertTrue(check(twoTerminals(), sensors("air-1", confirmed(8)), List.of(offset), List.of()).passes());
    }

    /** A fault of {@code kind} on {@code target}, whose role the history names, around aRunWithOneLateRecord's. */
    private Fault aroundTheLateRecord(FaultKind kind, String target, String role) {
        return new Fault(kind, target, at(WINDOW + 200), at(WINDOW + 200 + 4_000), Map.of(Fault.ROLE, role));
    }

    @Test
    void aLateRecordIsExplainedByAPausedServerButNotByAPausedProxyHoweverLong() throws IOException {
        aRunWithOneLateRecord();
        Map<String, List<WindowResult>> terminals = twoTerminals();
        Fault proxyPause = aroundTheLateRecord(FaultKind.PAUSE, "proxy-1", "proxy");
        Checker.Verdict proxyPaused = check(terminals, sensors("air-1", confirmed(8)), List.of(proxyPause), List.of());
        assertFalse(proxyPaused.passes(), proxyPaused.toString());
        assertFalse(proxyPaused.lateRecords().get(0).explained());
        Fault serverPause = aroundTheLateRecord(FaultKind.PAUSE, "server-2", "server");
        Checker.Verdict serverPaused = check(terminals, sensors("air-1", confirmed(8)),
                List.of(proxyPause, serverPause), List.of());
        assertTrue(serverPaused.passes(), serverPaused.toString());
        assertEquals(List.of(serverPause), serverPaused.lateRecords().get(0).explainedBy());
    }

    @Test
    void aLateRecordIsExplainedByASensorCutOffFromTheLoadBalancersButNotByAKilledSensor() throws IOException {
        aRunWithOneLateRecord();
        Map<String, List<WindowResult>> terminals = twoTerminals();
        Fault kill = aroundTheLateRecord(FaultKind.KILL, "sensor-air", "sensor");
        Checker.Verdict killed = check(terminals, sensors("air-1", confirmed(8)), List.of(kill), List.of());
        assertFalse(killed.passes(), killed.toString());
        Fault partition = aroundTheLateRecord(FaultKind.PARTITION_SENSOR_LB, "sensor-air", "sensor");
        Checker.Verdict cutOff = check(terminals, sensors("air-1", confirmed(8)), List.of(kill, partition), List.of());
        assertTrue(cutOff.passes(), cutOff.toString());
        assertEquals(List.of(partition), cutOff.lateRecords().get(0).explainedBy());
    }

    @Test
    void aSensorClockBehindByLessThanTheGraceExplainsItsLateRecordsOnlyWithTheProcessingTimeAdded()
            throws IOException {
        aRunWithOneLateRecord();
        Map<String, List<WindowResult>> terminals = twoTerminals();
        Fault fiveSecondsBehind = new Fault(FaultKind.CLOCK_OFFSET, "sensor-air", at(WINDOW), at(WINDOW + 9_000),
                Map.of(Fault.OFFSET_MILLIS, "-5000", Fault.ROLE, "sensor"));
        Checker.Settings graceOfSixSeconds = Checker.Settings.defaults().withGrace(Duration.ofSeconds(6));
        Checker.Verdict withProcessing = check(graceOfSixSeconds.withProcessing(Duration.ofMillis(3_500)), terminals,
                sensors("air-1", confirmed(8)), List.of(fiveSecondsBehind), List.of());
        assertTrue(withProcessing.passes(), withProcessing.toString());
        Checker.Verdict withoutProcessing = check(graceOfSixSeconds, terminals, sensors("air-1", confirmed(8)),
                List.of(fiveSecondsBehind), List.of());
        assertFalse(withoutProcessing.passes(), withoutProcessing.toString());
    }

    @Test
    void aClockOffsetOnAServerExplainsNoLateRecordHoweverFarBehind() throws IOException {
        aRunWithOneLateRecord();
        Fault offset = new Fault(FaultKind.CLOCK_OFFSET, "server-1", at(WINDOW), at(WINDOW + 9_000),
                Map.of(Fault.OFFSET_MILLIS, "-60000", Fault.ROLE, "server"));
        Checker.Verdict verdict = check(twoTerminals(), sensors("air-1", confirmed(8)), List.of(offset), List.of());
        assertFalse(verdict.passes(), verdict.toString());
    }

    @Test
    void aFaultWithoutARoleExplainsLateRecordsAsBeforeEvenOnAProxy() throws IOException {
        aRunWithOneLateRecord();
        Fault pause = new Fault(FaultKind.PAUSE, "proxy-1", at(WINDOW + 200), at(WINDOW + 200 + 4_000), Map.of());
        Checker.Verdict verdict = check(twoTerminals(), sensors("air-1", confirmed(8)), List.of(pause), List.of());
        assertTrue(verdict.passes(), verdict.toString());
    }

    @Test
    void lateRecordsCountedAfterTheLastWindowNeedAFaultToo() throws IOException {
        aQuietRun();
        assertEquals(StoreOutcome.LATE, record("air-1", 99, t0 + 100));
        Map<String, List<WindowResult>> terminals = twoTerminals();
        SensorReports sensors = sensors("air-1", confirmed(16), "pollution-1", confirmed(10));
        Checker.Verdict unexplained = check(terminals, sensors, List.of(), List.of());
        assertEquals(1, unexplained.problems().size(), unexplained.toString());
        Fault partition = new Fault(FaultKind.PARTITION_SENSOR_LB, "sensor-air", at(4 * WINDOW), null, Map.of());
        assertTrue(check(terminals, sensors, List.of(partition), List.of()).passes());
    }

    @Test
    void eachFaultsTimeToRecoverRunsFromItsEndToWindowsOnTimeAndTheRateBack() throws IOException {
        aQuietRun();
        Fault pause = new Fault(FaultKind.PAUSE, "proxy-1", at(10_000), at(20_000), Map.of());
        Fault slow = new Fault(FaultKind.SLOW_LINK, "lb-1", at(30_000), at(35_000), Map.of(Fault.DELAY_MILLIS, "500"));
        List<RunSample> samples = new ArrayList<>();
        for (long second = 0; second <= 40; second++) {
            boolean behind = second >= 10 && second < 23; // windows on time again 3 s after the pause
            double rate = second >= 30 && second < 36 ? 20 : 100; // the rate back 1 s after the slow link
            samples.add(new RunSample(at(second * 1000), behind ? 0 : rate,
                    behind ? Duration.ofSeconds(second - 9) : Duration.ZERO));
        }
        Checker.Verdict verdict = check(twoTerminals(), sensors("air-1", confirmed(15), "pollution-1", confirmed(10)),
                List.of(pause, slow), samples);
        assertTrue(verdict.passes(), verdict.toString());
        assertEquals(Duration.ofSeconds(3), verdict.recoveries().get(0).timeToRecover().orElseThrow());
        assertEquals(Duration.ofSeconds(1), verdict.recoveries().get(1).timeToRecover().orElseThrow());
    }

    @Test
    void aFaultTheDeploymentDoesNotRecoverFromWithinTheBoundFailsTheRun() throws IOException {
        aQuietRun();
        Fault kill = new Fault(FaultKind.KILL, "proxy-1", at(5_000), at(7_000), Map.of());
        List<RunSample> samples = new ArrayList<>();
        for (long second = 0; second <= 100; second++) {
            samples.add(new RunSample(at(second * 1000), 100,
                    second < 5 ? Duration.ZERO : Duration.ofSeconds(second - 4)));
        }
        Checker.Verdict verdict = check(twoTerminals(), sensors("air-1", confirmed(15), "pollution-1", confirmed(10)),
                List.of(kill), samples);
        assertEquals(1, verdict.problems().size(), verdict.toString());
        assertTrue(verdict.problems().get(0).contains("not recovered within 60 s"), verdict.toString());
        assertTrue(verdict.recoveries().get(0).timeToRecover().isEmpty());
    }

    @Test
    void aCatchUpBurstBeforeAFaultDoesNotRaiseTheRateItMustRecoverTo() throws IOException {
        aQuietRun();
        Fault loss = new Fault(FaultKind.REDIS_PRIMARY_LOSS, "redis-primary", at(20_000), at(30_000), Map.of());
        List<RunSample> samples = new ArrayList<>();
        for (long second = 0; second <= 100; second++) {
            // steady at 8/s; the 4 s before the fault catch up at 30/s (the mean of its 10 s baseline: 16.8/s)
            double rate = second >= 16 && second < 20 ? 30 : second >= 20 && second < 31 ? 0 : 8;
            samples.add(new RunSample(at(second * 1000), rate, Duration.ZERO));
        }
        Checker.Verdict verdict = check(twoTerminals(), sensors("air-1", confirmed(15), "pollution-1", confirmed(10)),
                List.of(loss), samples);
        assertTrue(verdict.passes(), verdict.toString());
        assertEquals(Duration.ofSeconds(1), verdict.recoveries().get(0).timeToRecover().orElseThrow());
    }
}
