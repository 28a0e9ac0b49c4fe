package dev.meteo.nemesis;

import dev.meteo.testing.MutableClock;
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
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryTest {

    @TempDir
    Path dir;

    @Test
    void faultsWrittenAsTheyStartAndEndReadBackInTheOrderTheyStarted() {
        MutableClock clock = MutableClock.at(1_000_000);
        Path file = dir.resolve("run/history.jsonl");
        try (History history = History.create(file, clock)) {
            long pause = history.started(FaultKind.PAUSE, "server-2", Map.of("seconds", "40"));
            clock.advance(Duration.ofSeconds(5));
            long offset = history.started(FaultKind.CLOCK_OFFSET, "sensor-1", Map.of(Fault.OFFSET_MILLIS, "-10000"));
            clock.advance(Duration.ofSeconds(35));
            Fault ended = history.ended(pause);
            assertEquals(Duration.ofSeconds(40), ended.duration(clock.instant()));
            clock.advance(Duration.ofSeconds(1));
            history.ended(offset);
            assertTrue(history.going().isEmpty());
        }
        List<Fault> faults = History.read(file);
        assertEquals(List.of(
                new Fault(FaultKind.PAUSE, "server-2", Instant.ofEpochMilli(1_000_000), Instant.ofEpochMilli(1_040_000),
                        Map.of("seconds", "40")),
                new Fault(FaultKind.CLOCK_OFFSET, "sensor-1", Instant.ofEpochMilli(1_005_000),
                        Instant.ofEpochMilli(1_041_000), Map.of(Fault.OFFSET_MILLIS, "-10000"))), faults);
        assertEquals(-10_000, faults.get(1).detailLong(Fault.OFFSET_MILLIS, 0));
    }

    @Test
    void aFaultTheRunStoppedDuringReadsBackWithoutAnEndAndALineCutShortIsSkipped() throws IOException {
        MutableClock clock = MutableClock.at(0);
        Path file = dir.resolve("history.jsonl");
        try (History history = History.create(file, clock)) {
            history.started(FaultKind.PARTITION_HOST, "term2", Map.of());
        }
        Files.writeString(file, "{\"event\":\"end\",\"id\":1,\"a", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        List<Fault> faults = History.read(file);
        assertEquals(1, faults.size());
        assertFalse(faults.get(0).ended());
        assertEquals(Instant.ofEpochMilli(9), faults.get(0).endOr(Instant.ofEpochMilli(9)));
    }

    @Test
    void anEndOfAFaultThatNeverStartedIsRefused() throws IOException {
        Path file = dir.resolve("history.jsonl");
        Files.writeString(file, "{\"event\":\"end\",\"id\":7,\"at\":5}\n{\"event\":\"end\",\"id\":8,\"at\":6}\n");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> History.read(file));
        assertTrue(refused.getMessage().contains("line 1"), refused.getMessage());
    }

    @Test
    void endingAFaultTwiceIsRefused() {
        try (History history = History.create(dir.resolve("h.jsonl"), MutableClock.at(0))) {
            long id = history.started(FaultKind.KILL, "proxy-1", Map.of());
            history.ended(id);
            assertThrows(IllegalArgumentException.class, () -> history.ended(id));
        }
    }

    @Test
    void everyKindIsFoundByItsLabel() {
        for (FaultKind kind : FaultKind.values()) {
            assertEquals(kind, FaultKind.ofLabel(kind.label()));
        }
        assertThrows(IllegalArgumentException.class, () -> FaultKind.ofLabel("meteor-strike"));
    }
}
