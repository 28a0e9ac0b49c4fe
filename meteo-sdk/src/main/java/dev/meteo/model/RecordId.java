package dev.meteo.model;

/**
 * The identity of a record end to end: the sensor that produced it and its per-sensor sequence number.
 * Two deliveries of the same record (a retry, a broker redelivery) have the same id, which makes stores idempotent.
 */
public record RecordId(String sensorId, long sequence) {

    /** A compact string form, unique per record because the sequence is numeric: {@code sensorId#sequence}. */
    public String key() {
        return sensorId + "#" + sequence;
    }

    @Override
    public String toString() {
        return key();
    }
}
