package dev.meteo.formula;

/**
 * The accepted range and optimum of one measured parameter, as in the assignment's reference detector/processor.
 */
public enum ParameterRange {
    TEMPERATURE(-10, 45, 20),
    HUMIDITY(20, 70, 40),
    CO2(300, 500, 400);

    private final double min;
    private final double max;
    private final double optimum;

    ParameterRange(double min, double max, double optimum) {
        this.min = min;
        this.max = max;
        this.optimum = optimum;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    public double optimum() {
        return optimum;
    }
}
