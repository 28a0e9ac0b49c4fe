package dev.meteo.model;

/** The two coefficients a compute server produces. They are stored, read and aggregated separately, never mixed. */
public enum CoefficientKind {
    /** Air wellness, from {@link RawMeteoData} (temperature and humidity). */
    WELLNESS("wellness"),
    /** Pollution coefficient, from {@link RawPollutionData} (CO2). */
    POLLUTION("pollution");

    private final String label;

    CoefficientKind(String label) {
        this.label = label;
    }

    /** Lower-case name used in keys, JSON and on the wire ({@code wellness}, {@code pollution}). */
    public String label() {
        return label;
    }
}
