package dev.meteo.sensor;

/** What a sensor measures. */
public enum SensorType {
    /** Temperature and humidity: emits {@link dev.meteo.model.RawMeteoData}. */
    AIR,
    /** CO2: emits {@link dev.meteo.model.RawPollutionData}. */
    POLLUTION
}
