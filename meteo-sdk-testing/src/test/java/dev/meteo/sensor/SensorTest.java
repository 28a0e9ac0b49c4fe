package dev.meteo.sensor;

import dev.meteo.model.RawMeteoData;
import dev.meteo.model.RawPollutionData;
import dev.meteo.model.SensorRecord;
import dev.meteo.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SensorTest {

    private static final long T0 = 1_750_000_000_123L;
    private final MutableClock clock = MutableClock.at(T0);

    /** A transport that holds every record until the test confirms it, and tracks how many were outstanding at most. */
    private static final class HeldPublisher implements RecordPublisher {
        final List<CompletableFuture<Void>> pending = new ArrayList<>();
        final List<SensorRecord> published = new ArrayList<>();
        final AtomicInteger maxOutstanding = new AtomicInteger();
        volatile boolean confirmAtOnce;

        @Override
        public synchronized CompletableFuture<Void> publish(SensorRecord record) {
            published.add(record);
            if (confirmAtOnce) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> delivery = new CompletableFuture<>();
            pending.add(delivery);
            maxOutstanding.accumulateAndGet((int) pending.stream().filter(f -> !f.isDone()).count(), Math::max);
            return delivery;
        }

        synchronized int publishedCount() {
            return published.size();
        }

        /** Confirms everything held so far. */
        void confirmAll() {
            List<CompletableFuture<Void>> toConfirm;
            synchronized (this) {
                toConfirm = List.copyOf(pending);
            }
            toConfirm.forEach(f -> f.complete(null));
        }
    }

    @Test
    void sequenceNumbersStartFromTheStartTimeAndStrictlyIncrease() {
        Sensor sensor = new Sensor(SensorSettings.of("air-1", SensorType.AIR).withSeed(1), new HeldPublisher(), clock);
        Set<Long> seen = new HashSet<>();
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < 500; i++) {
            SensorRecord record = sensor.read();
            assertTrue(record.sequence() > previous, "sequence did not increase: " + record.sequence());
            assertTrue(seen.add(record.sequence()));
            previous = record.sequence();
        }
        assertEquals(T0 * 1000, seen.stream().min(Long::compare).orElseThrow());

        // a sensor restarted later with the same id never reuses an identity
        clock.advance(Duration.ofMillis(1));
        Sensor restarted = new Sensor(SensorSettings.of("air-1", SensorType.AIR), new HeldPublisher(), clock);
        assertTrue(restarted.read().sequence() > previous);
    }

    @Test
    void aReadingCarriesTheSensorIdTheClockTimeAndTheRightType() {
        Sensor air = new Sensor(SensorSettings.of("air-1", SensorType.AIR).withSeed(1), new HeldPublisher(), clock);
        Sensor pollution = new Sensor(SensorSettings.of("co2-1", SensorType.POLLUTION).withSeed(1), new HeldPublisher(), clock);
        clock.advance(Duration.ofSeconds(3));
        RawMeteoData airRecord = assertInstanceOf(RawMeteoData.class, air.read());
        RawPollutionData pollutionRecord = assertInstanceOf(RawPollutionData.class, pollution.read());
        assertEquals("air-1", airRecord.sensorId());
        assertEquals(clock.instant(), airRecord.detectedAt());
        assertEquals("co2-1", pollutionRecord.sensorId());
        assertTrue(pollutionRecord.co2() >= 300 && pollutionRecord.co2() <= 500);
    }

    @Test
    void theSameSeedGivesTheSameReadings() {
        Sensor a = new Sensor(SensorSettings.of("air-1", SensorType.AIR).withSeed(5), new HeldPublisher(), clock);
        Sensor b = new Sensor(SensorSettings.of("air-1", SensorType.AIR).withSeed(5), new HeldPublisher(), clock);
        for (int i = 0; i < 20; i++) {
            assertEquals(a.read(), b.read());
        }
    }

    @Test
    void aSensorNeverHasMoreThanMaxInFlightUnconfirmedAndSkipsReadingsMeanwhile() throws InterruptedException {
        HeldPublisher publisher = new HeldPublisher();
        Sensor sensor = new Sensor(new SensorSettings("air-1", SensorType.AIR, Duration.ofMillis(1), 3, 1L),
                publisher, clock).start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> sensor.stats().skipped() >= 20);
            assertEquals(3, publisher.publishedCount());
            Sensor.Stats stats = sensor.stats();
            assertEquals(3, stats.sent());
            assertEquals(3, stats.inFlight());

            // confirmations free the buffer: the sensor sends again, still never above the bound
            publisher.confirmAll();
            await().atMost(Duration.ofSeconds(30)).until(() -> sensor.stats().sent() >= 6);
            assertEquals(3, publisher.maxOutstanding.get());
        } finally {
            publisher.confirmAtOnce = true;
            publisher.confirmAll();
            sensor.close();
        }
        assertEquals(0, sensor.stats().inFlight());
    }

    @Test
    void closeWaitsForEveryRecordToBeConfirmedSoTheCountersAreFinal() throws Exception {
        HeldPublisher publisher = new HeldPublisher();
        Sensor sensor = new Sensor(SensorSettings.of("co2-1", SensorType.POLLUTION).withSeed(2), publisher, clock);
        for (int i = 0; i < 5; i++) {
            sensor.emit();
        }
        AtomicReference<Sensor.Stats> statsWhenClosed = new AtomicReference<>();
        Thread closer = new Thread(() -> {
            try {
                sensor.close();
                statsWhenClosed.set(sensor.stats());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        closer.start();
        // close() is now blocked waiting for the five confirmations
        await().atMost(Duration.ofSeconds(5)).until(() -> closer.getState() == Thread.State.TIMED_WAITING);
        assertEquals(null, statsWhenClosed.get());
        publisher.confirmAll();
        closer.join(10_000);

        Sensor.Stats stats = statsWhenClosed.get();
        assertEquals(5, stats.sent());
        assertEquals(5, stats.confirmed());
        assertEquals(0, stats.inFlight());
    }

    @Test
    void aFailedDeliveryIsCountedAndFreesItsSlot() throws InterruptedException {
        RecordPublisher failing = record -> CompletableFuture.failedFuture(new IllegalStateException("broker down"));
        Sensor sensor = new Sensor(new SensorSettings("co2-1", SensorType.POLLUTION, Duration.ofSeconds(1), 1, 3L),
                failing, clock);
        sensor.emit();
        sensor.emit(); // would block forever if the failed record kept its slot
        sensor.close();
        assertEquals(2, sensor.stats().failed());
        assertEquals(0, sensor.stats().confirmed());
    }

    @Test
    void aCustomRecordIsPublishedAndCountedLikeTheSensorsOwn() throws InterruptedException {
        HeldPublisher publisher = new HeldPublisher();
        publisher.confirmAtOnce = true;
        Sensor sensor = new Sensor(SensorSettings.of("air-1", SensorType.AIR), publisher, clock);
        RawMeteoData custom = new RawMeteoData("air-1", 77, clock.instant(), 21.5, 44.0);
        sensor.emit(custom).join();
        sensor.close();
        assertEquals(List.of(custom), publisher.published);
        assertEquals(1, sensor.stats().confirmed());
    }
}
