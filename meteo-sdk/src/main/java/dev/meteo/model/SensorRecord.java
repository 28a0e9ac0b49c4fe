package dev.meteo.model;

import java.time.Instant;

/**
 * A timestamped reading as a sensor emits it. Records are plain values and may hold invalid data (so that
 * invalid input can travel to a server and be rejected there with a reason); see {@link RecordValidator}.
 */
public sealed interface SensorRecord permits RawMeteoData, RawPollutionData {

    /** The emitting sensor's id; must be non-empty to be valid. */
    String sensorId();

    /** Per-sensor sequence number; with the sensor id it identifies the record. */
    long sequence();

    /** Detection time (event time), millisecond precision; {@code null} only in invalid records. */
    Instant detectedAt();

    /** Which coefficient this record is processed into. */
    CoefficientKind kind();

    default RecordId id() {
        return new RecordId(sensorId(), sequence());
    }
}
