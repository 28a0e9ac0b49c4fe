package dev.meteo.process;

import dev.meteo.cli.command.SentMark;
import dev.meteo.cli.metrics.RoleReport;

import dev.meteo.model.RawMeteoData;
import dev.meteo.sensor.RecordPublisher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * What the demo knows of a sensor process killed with SIGKILL: its last live status (confirmed, failed: lower bounds)
 * and its sent mark (exact), so what it sent and had not heard back about is in doubt.
 */
class KilledSensorAccountingTest {

    @TempDir
    Path dir;

    @Test
    void theSentMarkCountsEveryRecordBeforeItLeaves() throws Exception {
        Path file = dir.resolve("air-1.sent");
        CompletableFuture<Void> neverConfirmed = new CompletableFuture<>();
        RecordPublisher publisher = record -> {
            assertEquals(OptionalLong.of(record.sequence()), SentMark.read(file), "counted before it was handed on");
            return neverConfirmed;
        };
        try (SentMark mark = SentMark.open(publisher, file)) {
            assertEquals(OptionalLong.of(0), SentMark.read(file));
            for (long i = 1; i <= 3; i++) {
                mark.publish(new RawMeteoData("air-1", i, Instant.EPOCH, 20, 50));
            }
        }
        assertEquals(OptionalLong.of(3), SentMark.read(file));
        assertEquals(OptionalLong.empty(), SentMark.read(dir.resolve("none.sent")));
    }

    @Test
    void aKilledSensorsRecordsSentButNotConfirmedAtItsLastStatusAreInDoubt() {
        RoleReport lastStatus = new RoleReport(Map.of("role", "sensor"), 1, false, Map.of(RoleReport.SENSOR_SENT, 40.0,
                RoleReport.SENSOR_CONFIRMED, 37.0, RoleReport.SENSOR_FAILED, 1.0), Map.of(), List.of());
        Drain.SensorReport report = Drain.killedSensorReport("air-1", lastStatus, OptionalLong.of(45));
        assertEquals(new Drain.SensorReport("air-1", 45, 37, 1, 7), report);
        assertFalse(lastStatus.last());
    }

    @Test
    void aSensorKilledBeforeItWroteAnythingSentNothingOrWhatItsMarkSays() {
        assertEquals(new Drain.SensorReport("air-1", 0, 0, 0, 0),
                Drain.killedSensorReport("air-1", RoleReport.none(), OptionalLong.empty()));
        assertEquals(new Drain.SensorReport("air-1", 2, 0, 0, 2),
                Drain.killedSensorReport("air-1", RoleReport.none(), OptionalLong.of(2)));
    }

    @Test
    void aProcessKilledBySignalSaysWhichSignal() {
        assertEquals("signal 9 (SIGKILL)", ChildProcess.describeExit(137));
        assertEquals("signal 15 (SIGTERM)", ChildProcess.describeExit(143));
        assertEquals("exit code 3", ChildProcess.describeExit(3));
    }
}
