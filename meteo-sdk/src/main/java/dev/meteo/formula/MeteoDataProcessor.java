package dev.meteo.formula;

import dev.meteo.model.RawMeteoData;
import dev.meteo.model.RawPollutionData;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * The compute servers' processor, a port of the reference: per parameter a normalised Gaussian lookup table of
 * 1000 points over the accepted range, a lower-bound search, and a floor of 0.001. Immutable and thread-safe; build
 * it once and share it.
 */
public final class MeteoDataProcessor {

    private static final int TABLE_SIZE = 1000;
    private static final double FLOOR = 0.001;

    private final Map<ParameterRange, WellnessTable> tables = new EnumMap<>(ParameterRange.class);

    public MeteoDataProcessor() {
        for (ParameterRange range : ParameterRange.values()) {
            tables.put(range, new WellnessTable(range));
        }
    }

    /** Air wellness: harmonic mean of temperature and humidity wellness, rounded to 2 decimals. */
    public double airWellness(double temperature, double humidity) {
        double t = tables.get(ParameterRange.TEMPERATURE).wellness(temperature);
        double h = tables.get(ParameterRange.HUMIDITY).wellness(humidity);
        return Rounding.twoDecimals(2.0 / (1.0 / t + 1.0 / h));
    }

    public double airWellness(RawMeteoData data) {
        return airWellness(data.temperature(), data.humidity());
    }

    /** Pollution coefficient: CO2 wellness, rounded to 2 decimals. */
    public double pollutionCoefficient(int co2) {
        return Rounding.twoDecimals(tables.get(ParameterRange.CO2).wellness(co2));
    }

    public double pollutionCoefficient(RawPollutionData data) {
        return pollutionCoefficient(data.co2());
    }

    /** The wellness of one parameter's value, unrounded, in [0.001, 1]. */
    public double wellness(ParameterRange parameter, double value) {
        return tables.get(parameter).wellness(value);
    }

    private static final class WellnessTable {
        private final double[] xs = new double[TABLE_SIZE];
        private final double[] vals = new double[TABLE_SIZE];

        WellnessTable(ParameterRange range) {
            double step = (range.max() - range.min()) / (TABLE_SIZE - 1);
            double scale = (range.max() - range.min()) / 25 * 8;
            double[] p = new double[TABLE_SIZE];
            for (int i = 0; i < TABLE_SIZE; i++) {
                xs[i] = i == TABLE_SIZE - 1 ? range.max() : range.min() + i * step;
                double z = (xs[i] - range.optimum()) / scale;
                p[i] = Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
            }
            double min = Arrays.stream(p).min().orElseThrow();
            double max = Arrays.stream(p).max().orElseThrow();
            for (int i = 0; i < TABLE_SIZE; i++) {
                vals[i] = (p[i] - min) / (max - min);
            }
        }

        double wellness(double x) {
            int pos = lowerBound(x);
            double w = vals[pos == TABLE_SIZE ? TABLE_SIZE - 1 : pos];
            return w == 0 ? FLOOR : w;
        }

        /** Index of the first {@code xs[i] >= x}, or {@code TABLE_SIZE} when there is none. */
        private int lowerBound(double x) {
            int low = 0;
            int high = TABLE_SIZE;
            while (low < high) {
                int mid = (low + high) >>> 1;
                if (xs[mid] < x) {
                    low = mid + 1;
                } else {
                    high = mid;
                }
            }
            return low;
        }
    }
}
