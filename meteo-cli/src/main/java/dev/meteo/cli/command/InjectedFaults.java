package dev.meteo.cli.command;

import dev.meteo.model.RawMeteoData;
import dev.meteo.model.RawPollutionData;
import dev.meteo.model.SensorRecord;
import dev.meteo.sensor.RecordPublisher;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hostile input on purpose, for soak runs and drills: every {@code invalidEvery}-th reading is made invalid (a
 * humidity of 150 %, a negative CO2) so the compute servers reject it, and every {@code lateEvery}-th is dated an hour
 * back so it arrives after its window closed. The record keeps its identity, so the per-sensor accounting still
 * checks it: it must be counted once, rejected or late.
 */
final class InjectedFaults implements RecordPublisher {

    /** How far back a late reading is dated: far behind any window still open. */
    static final Duration LATE_BY = Duration.ofHours(1);

    private final RecordPublisher delegate;
    private final int invalidEvery;
    private final int lateEvery;
    private final AtomicLong readings = new AtomicLong();

    private InjectedFaults(RecordPublisher delegate, int invalidEvery, int lateEvery) {
        this.delegate = delegate;
        this.invalidEvery = invalidEvery;
        this.lateEvery = lateEvery;
    }

    /** {@code delegate} itself when both are 0 (no faults). */
    static RecordPublisher wrap(RecordPublisher delegate, int invalidEvery, int lateEvery) {
        if (invalidEvery < 0 || lateEvery < 0) {
            throw new IllegalArgumentException("--invalid-every and --late-every take 0 (never) or more");
        }
        return invalidEvery == 0 && lateEvery == 0 ? delegate : new InjectedFaults(delegate, invalidEvery, lateEvery);
    }

    @Override
    public CompletableFuture<Void> publish(SensorRecord record) {
        long n = readings.incrementAndGet();
        if (invalidEvery > 0 && n % invalidEvery == 0) {
            return delegate.publish(invalid(record));
        }
        if (lateEvery > 0 && n % lateEvery == lateEvery / 2) { // half a period apart, so equal periods both occur
            return delegate.publish(late(record));
        }
        return delegate.publish(record);
    }

    private static SensorRecord invalid(SensorRecord record) {
        if (record instanceof RawMeteoData air) {
            return new RawMeteoData(air.sensorId(), air.sequence(), air.detectedAt(), air.temperature(), 150);
        }
        RawPollutionData co2 = (RawPollutionData) record;
        return new RawPollutionData(co2.sensorId(), co2.sequence(), co2.detectedAt(), -1);
    }

    private static SensorRecord late(SensorRecord record) {
        if (record instanceof RawMeteoData air) {
            return new RawMeteoData(air.sensorId(), air.sequence(), air.detectedAt().minus(LATE_BY), air.temperature(),
                    air.humidity());
        }
        RawPollutionData co2 = (RawPollutionData) record;
        return new RawPollutionData(co2.sensorId(), co2.sequence(), co2.detectedAt().minus(LATE_BY), co2.co2());
    }

    @Override
    public void close() {
        delegate.close();
    }
}
