package dev.meteo.simulation;

import dev.meteo.model.RawMeteoData;
import dev.meteo.model.RawPollutionData;
import dev.meteo.model.SensorRecord;
import dev.meteo.sensor.Sensor;
import dev.meteo.sensor.SensorSettings;
import dev.meteo.sensor.SensorType;

/**
 * A sensor in the simulation: the real {@link Sensor} (its sequences, readings and counters) on its own clock, read on a
 * schedule the simulator runs. Some readings are made invalid when the plan says so (same identity, impossible value).
 */
final class SimulatedSensor {

    /**
     * Records handed over and not yet confirmed or failed at most; a reading due while full is skipped, as in Sensor.
     * Enough for a node held up to leave hundreds of a sensor's records overtaken by the others'.
     */
    static final int MAX_IN_FLIGHT = 512;

    final String id;
    final OffsetClock clock;
    final Sensor sensor;
    private final SimulatedDeployment deployment;
    private final long intervalMillis;
    private boolean emitting = true;
    private long latestDetectionMillis = Long.MIN_VALUE;
    private long invalid;

    SimulatedSensor(String id, SensorType type, long intervalMillis, long readingsSeed, SimulatedDeployment deployment) {
        this.id = id;
        this.deployment = deployment;
        this.intervalMillis = intervalMillis;
        this.clock = new OffsetClock(deployment.clock);
        SensorSettings settings = SensorSettings.of(id, type).withMaxInFlight(MAX_IN_FLIGHT).withSeed(readingsSeed);
        this.sensor = new Sensor(settings, deployment.recordPath.publisherFor(this), clock);
    }

    void emitNow() {
        if (!emitting) {
            return;
        }
        if (sensor.stats().inFlight() < MAX_IN_FLIGHT) {
            SensorRecord record = sensor.read();
            if (deployment.chance(deployment.network.invalidRate)) {
                record = invalidated(record);
                invalid++;
            }
            long detected = record.detectedAt().toEpochMilli();
            if (detected - deployment.loop.now() < SimulatedNode.MAX_FUTURE_SKEW.toMillis() / 2) {
                // a time this far ahead is accepted by every node, whatever its clock: its window must close in the drain
                latestDetectionMillis = Math.max(latestDetectionMillis, detected);
            }
            try {
                sensor.emit(record); // never waits: there is room in flight
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("the simulation thread was interrupted", e);
            }
        }
        long jitter = deployment.random.nextLong(intervalMillis / 5 + 1);
        deployment.loop.after(intervalMillis - intervalMillis / 10 + jitter, this::emitNow);
    }

    /** The same reading's identity and time with a value the validator must reject. */
    private static SensorRecord invalidated(SensorRecord record) {
        if (record instanceof RawMeteoData air) {
            return new RawMeteoData(air.sensorId(), air.sequence(), air.detectedAt(), air.temperature(), 150.0);
        }
        RawPollutionData pollution = (RawPollutionData) record;
        return new RawPollutionData(pollution.sensorId(), pollution.sequence(), pollution.detectedAt(), -5);
    }

    void stop() {
        emitting = false;
    }

    /** The latest detection time among the records the nodes accept whatever their clocks; MIN_VALUE when none. */
    long latestDetectionMillis() {
        return latestDetectionMillis;
    }

    long invalidReadings() {
        return invalid;
    }
}
