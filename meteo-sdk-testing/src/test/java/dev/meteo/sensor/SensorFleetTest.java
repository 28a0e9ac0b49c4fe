package dev.meteo.sensor;

import dev.meteo.model.SensorRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Many sensors on one scheduler and one publisher: each its own identity, sequence and schedule, spread out. */
class SensorFleetTest {

    private static final Duration AWAIT = Duration.ofSeconds(20);

    /** Keeps every record in the order it was handed over; confirms at once unless told to hold them. */
    private static final class Recorder implements RecordPublisher {
        final List<SensorRecord> records = new ArrayList<>();
        final List<CompletableFuture<Void>> held = new ArrayList<>();
        volatile boolean hold;

        @Override
        public synchronized CompletableFuture<Void> publish(SensorRecord record) {
            records.add(record);
            if (hold) {
                CompletableFuture<Void> later = new CompletableFuture<>();
                held.add(later);
                return later;
            }
            return CompletableFuture.completedFuture(null);
        }

        synchronized List<SensorRecord> records() {
            return List.copyOf(records);
        }

        synchronized void releaseHeld() {
            held.forEach(future -> future.complete(null));
            held.clear();
        }
    }

    private final Recorder publisher = new Recorder();
    private SensorFleet fleet;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (fleet != null) {
            publisher.releaseHeld();
            fleet.close();
        }
    }

    private SensorFleet fleet(int count, Duration interval, int maxInFlight) {
        SensorSettings template = SensorSettings.of("air-f", SensorType.AIR).withInterval(interval)
                .withMaxInFlight(maxInFlight).withSeed(1);
        fleet = new SensorFleet(SensorFleet.numbered(template, count), publisher, Clock.systemUTC());
        return fleet;
    }

    @Test
    void eachSensorHasItsOwnIdAndItsOwnIncreasingSequence() {
        fleet(50, Duration.ofMillis(100), 16).start();
        await().atMost(AWAIT).until(() -> publisher.records().size() >= 300);

        Map<String, List<Long>> sequences = new HashMap<>();
        for (SensorRecord record : publisher.records()) {
            sequences.computeIfAbsent(record.sensorId(), id -> new ArrayList<>()).add(record.sequence());
        }
        assertEquals(50, sequences.size(), "every sensor emitted");
        for (int i = 1; i <= 50; i++) {
            List<Long> mine = sequences.get("air-f-" + i);
            for (int k = 1; k < mine.size(); k++) {
                assertEquals(mine.get(k - 1) + 1, mine.get(k), "air-f-" + i + " skipped or repeated a sequence number");
            }
        }
    }

    @Test
    void theSensorsFireSpreadOverTheIntervalInTheOrderOfTheirOffsets() {
        fleet(20, Duration.ofSeconds(1), 16).start();
        await().atMost(AWAIT).until(() -> publisher.records().size() >= 20);

        Set<String> firstReadings = new LinkedHashSet<>();
        for (SensorRecord record : publisher.records()) {
            firstReadings.add(record.sensorId());
        }
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            expected.add("air-f-" + i);
        }
        assertEquals(expected, List.copyOf(firstReadings).subList(0, 20), "sensor i fires i/n of the interval after the start");
    }

    @Test
    void aSensorWhoseBufferIsFullSkipsItsReadingsWithoutHoldingUpTheOthers() {
        publisher.hold = true;
        SensorFleet fleet = fleet(10, Duration.ofMillis(20), 2).start();
        await().atMost(AWAIT).until(() -> fleet.stats().skipped() >= 30);
        Sensor.Stats stats = fleet.stats();
        assertEquals(20, stats.sent(), "two readings per sensor fill its buffer");
        assertEquals(20, stats.inFlight());
        for (Sensor sensor : fleet.sensors()) {
            assertEquals(2, sensor.stats().sent(), sensor.settings().id());
        }
    }

    @Test
    void closeWaitsForTheRecordsInFlightSoTheCountersAreFinal() throws InterruptedException {
        publisher.hold = true;
        SensorFleet fleet = fleet(10, Duration.ofMillis(20), 4).start();
        await().atMost(AWAIT).until(() -> fleet.stats().sent() >= 40);
        Thread releaser = new Thread(() -> {
            await().atMost(AWAIT).until(() -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().startsWith("sensor-fleet")));
            publisher.releaseHeld();
        });
        releaser.start();
        fleet.close();
        this.fleet = null;
        Sensor.Stats stats = fleet.stats();
        assertEquals(stats.sent(), stats.confirmed());
        assertEquals(0, stats.inFlight());
        releaser.join();
    }

    @Test
    void aFleetRefusesRepeatedIdsAndSensorsWithoutAnInterval() {
        SensorSettings one = SensorSettings.of("air-x", SensorType.AIR);
        assertThrows(IllegalArgumentException.class,
                () -> new SensorFleet(List.of(one, one), publisher, Clock.systemUTC()));
        assertThrows(IllegalArgumentException.class,
                () -> new SensorFleet(List.of(one.withInterval(Duration.ZERO)), publisher, Clock.systemUTC()));
        assertEquals(List.of("air-x-1", "air-x-2", "air-x-3"),
                SensorFleet.numbered(one, 3).stream().map(SensorSettings::id).toList());
    }
}
