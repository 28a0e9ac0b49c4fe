package dev.meteo.model;

import java.time.Instant;

/** A pollution reading: CO2 concentration in ppm, an integer as in the assignment's {@code RawPollutionData.co2}. */
public record RawPollutionData(String sensorId, long sequence, Instant detectedAt, int co2) implements SensorRecord {

    @Override
    public CoefficientKind kind() {
        return CoefficientKind.POLLUTION;
    }
}
