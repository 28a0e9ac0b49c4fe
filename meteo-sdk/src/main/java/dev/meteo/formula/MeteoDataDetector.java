package dev.meteo.formula;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The sensors' detector, a port of the reference: each instance draws its own sub-range of every parameter's
 * accepted range once (two uniform draws, the smaller is the minimum), then each reading is uniform in that
 * sub-range. Not thread-safe: one detector per sensor.
 */
public final class MeteoDataDetector {

    /** Temperature (°C) and humidity (%) of one air reading, rounded to 2 decimals. */
    public record AirReading(double temperature, double humidity) {
    }

    private final RandomGenerator random;
    private final double[] temperatureRange;
    private final double[] humidityRange;
    private final double[] co2Range;

    /** @param random the random source; pass a seeded one for reproducible readings */
    public MeteoDataDetector(RandomGenerator random) {
        this.random = Objects.requireNonNull(random, "random");
        this.temperatureRange = drawSubRange(ParameterRange.TEMPERATURE);
        this.humidityRange = drawSubRange(ParameterRange.HUMIDITY);
        this.co2Range = drawSubRange(ParameterRange.CO2);
    }

    private double[] drawSubRange(ParameterRange range) {
        double a = uniform(range.min(), range.max());
        double b = uniform(range.min(), range.max());
        return new double[] {Math.min(a, b), Math.max(a, b)};
    }

    private double uniform(double low, double high) {
        return low + (high - low) * random.nextDouble();
    }

    private double read(double[] subRange) {
        return uniform(subRange[0], subRange[1]);
    }

    /** The reference's {@code analyze_air()}. */
    public AirReading analyzeAir() {
        return new AirReading(Rounding.twoDecimals(read(temperatureRange)), Rounding.twoDecimals(read(humidityRange)));
    }

    /** The reference's {@code analyze_pollution()}, as an integer ppm (rounded to nearest). */
    public int analyzePollution() {
        return (int) Math.round(read(co2Range));
    }

    /** This instance's sub-range of a parameter: {@code [min, max]}. */
    public double[] subRange(ParameterRange parameter) {
        double[] range = switch (parameter) {
            case TEMPERATURE -> temperatureRange;
            case HUMIDITY -> humidityRange;
            case CO2 -> co2Range;
        };
        return range.clone();
    }
}
