package dev.meteo.process;

import dev.meteo.cli.io.WindowResultJson;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.WindowResult;
import dev.meteo.nemesis.RunSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Window arrivals over two terminals' files, polled by hand at chosen times: a window counts once, when it first
 * reaches either file, so the samples go on while one terminal stops writing.
 */
class WindowArrivalsTest {

    private static final long WINDOW = 2_000;
    private static final long GRACE = 1_000;
    private static final long T0 = 1_000_000_000_000L;

    @TempDir
    Path dir;

    /** Window {@code index} from {@code T0}, with {@code records} pollution records. */
    private static WindowResult window(int index, long records) {
        Instant start = Instant.ofEpochMilli(T0 + index * WINDOW);
        KindStatistics pollution = KindStatistics.ofMoments(records, 0.5, 0, 0.5, 0.5, start.toEpochMilli() + 1);
        return new WindowResult(start, start.plusMillis(WINDOW), KindStatistics.EMPTY, pollution, 0);
    }

    /** Appends {@code window} to a terminal's file as {@code meteo terminal} writes it. */
    private static void append(Path terminal, WindowResult window) throws IOException {
        Files.writeString(terminal, WindowResultJson.toJson(window) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Closing window {@code index} takes it to the terminals: when due, it is at its end plus the grace. */
    private static long due(int index) {
        return T0 + (index + 1) * WINDOW + GRACE;
    }

    private static RunSample sampleAt(WindowArrivals arrivals, long atMillis) {
        return arrivals.sample(Instant.ofEpochMilli(atMillis), Duration.ofMillis(WINDOW), Duration.ofMillis(WINDOW),
                Duration.ofMillis(GRACE), Instant.ofEpochMilli(T0));
    }

    @Test
    void aWindowCountsOnceWhenItFirstReachesAnyTerminalSoOneThatStopsGrowingDoesNotStallTheSamples()
            throws IOException {
        Path first = dir.resolve("terminal-1.jsonl");
        Path second = dir.resolve("terminal-2.jsonl");
        try (WindowArrivals arrivals = new WindowArrivals(List.of(first, second))) {
            // windows 0 and 1 reach both terminals, terminal 2 a poll later than terminal 1
            for (int index = 0; index < 2; index++) {
                append(first, window(index, 10));
                arrivals.poll(due(index));
                append(second, window(index, 10));
                arrivals.poll(due(index) + 100);
            }
            // then terminal 1 is paused: its file stops growing, terminal 2's goes on
            RunSample whileTerminalOneIsPaused = null;
            for (int index = 2; index < 5; index++) {
                append(second, window(index, 10));
                arrivals.poll(due(index));
                if (index == 3) {
                    whileTerminalOneIsPaused = sampleAt(arrivals, due(3) + 500);
                }
            }
            // terminal 1 resumes and writes what it missed, long after terminal 2 had it
            for (int index = 2; index < 5; index++) {
                append(first, window(index, 10));
            }
            arrivals.poll(due(4) + 5_000);

            assertEquals(List.of(new WindowArrivals.Arrival(T0 + WINDOW, due(0), 10),
                    new WindowArrivals.Arrival(T0 + 2 * WINDOW, due(1), 10),
                    new WindowArrivals.Arrival(T0 + 3 * WINDOW, due(2), 10),
                    new WindowArrivals.Arrival(T0 + 4 * WINDOW, due(3), 10),
                    new WindowArrivals.Arrival(T0 + 5 * WINDOW, due(4), 10)), arrivals.arrivals());
            assertEquals(Duration.ofMillis(500 - WINDOW), whileTerminalOneIsPaused.windowLag(), "on time");
            assertEquals(10 * 1000.0 / WINDOW, whileTerminalOneIsPaused.recordsPerSecond(), 1e-9,
                    "one window of 10 records in the last window length, counted once");
            // a proxy killed just after window 2 was due: the next window reached terminal 2 at window 3's due time
            assertEquals(OptionalLong.of(WINDOW - 100), arrivals.firstWindowDueAfter(due(2) + 100, GRACE));
        }
    }

    @Test
    void oneTerminalsFileFollowedAloneGivesItsOwnArrivals() throws IOException {
        Path only = dir.resolve("terminal-1.jsonl");
        try (WindowArrivals arrivals = new WindowArrivals(List.of(only))) {
            append(only, window(0, 4));
            arrivals.poll(due(0));
            arrivals.poll(due(1));
            assertEquals(List.of(new WindowArrivals.Arrival(T0 + WINDOW, due(0), 4)), arrivals.arrivals());
            assertEquals(Duration.ofMillis(WINDOW), sampleAt(arrivals, due(2)).windowLag(),
                    "window 1 never came: late by a window length when window 2 is due");
        }
    }
}
