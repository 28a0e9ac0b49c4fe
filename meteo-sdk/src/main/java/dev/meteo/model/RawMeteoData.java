package dev.meteo.model;

import java.time.Instant;

/** An air-quality reading: temperature in °C and relative humidity in %. */
public record RawMeteoData(String sensorId, long sequence, Instant detectedAt, double temperature, double humidity)
        implements SensorRecord {

    @Override
    public CoefficientKind kind() {
        return CoefficientKind.WELLNESS;
    }
}
