package dev.meteo.formula;

final class Rounding {
    private Rounding() {
    }

    /** Rounds half away from zero to two decimals, as the reference's outputs are compared at ±0.01. */
    static double twoDecimals(double value) {
        return Math.round(value * 100.0) / 100.0;
    }
}
