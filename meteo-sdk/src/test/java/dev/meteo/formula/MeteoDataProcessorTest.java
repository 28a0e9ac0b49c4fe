package dev.meteo.formula;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The processor against every test vector of {@code docs/formulas.md} (tolerance ±0.01). */
class MeteoDataProcessorTest {

    private static final double TOLERANCE = 0.01;
    private final MeteoDataProcessor processor = new MeteoDataProcessor();

    @ParameterizedTest(name = "air wellness of {0} °C, {1} % is {2}")
    @CsvSource({
            "20, 40, 1.00",
            "25, 40, 0.97",
            "12.34, 55.5, 0.67",
            "0, 30, 0.51",
            "30, 60, 0.48",
            "5.5, 65, 0.24",
            "44.99, 20.01, 0.23",
            "-10, 20, 0.00",
            "45, 70, 0.00",
            "-20, 90, 0.00",
    })
    void airWellnessMatchesTheReferenceVectors(double temperature, double humidity, double expected) {
        assertEquals(expected, processor.airWellness(temperature, humidity), TOLERANCE);
    }

    @ParameterizedTest(name = "pollution coefficient of {0} ppm is {1}")
    @CsvSource({
            "400, 1.00",
            "399, 1.00",
            "350, 0.63",
            "450, 0.63",
            "333, 0.40",
            "480, 0.23",
            "300, 0.00",
            "500, 0.00",
            "250, 0.00",
            "600, 0.00",
    })
    void pollutionCoefficientMatchesTheReferenceVectors(int co2, double expected) {
        assertEquals(expected, processor.pollutionCoefficient(co2), TOLERANCE);
    }

    @Test
    void aWellnessOfZeroIsFlooredToOneThousandth() {
        // The table's ends normalise to exactly 0; the reference replaces 0 with 0.001 so the harmonic mean is defined.
        assertEquals(0.001, processor.wellness(ParameterRange.TEMPERATURE, -10), 0);
        assertEquals(0.001, processor.wellness(ParameterRange.HUMIDITY, 70), 0);
        assertEquals(0.001, processor.wellness(ParameterRange.CO2, 300), 0);
        assertEquals(0.001, processor.wellness(ParameterRange.CO2, 500), 0);
    }

    @Test
    void valuesBelowTheRangeScoreLikeTheRangeMinimum() {
        for (ParameterRange range : ParameterRange.values()) {
            assertEquals(processor.wellness(range, range.min()), processor.wellness(range, range.min() - 1000), 0,
                    range.name());
        }
    }

    @Test
    void valuesAboveTheRangeScoreLikeTheRangeMaximum() {
        for (ParameterRange range : ParameterRange.values()) {
            assertEquals(processor.wellness(range, range.max()), processor.wellness(range, range.max() + 1000), 0,
                    range.name());
        }
    }

    @Test
    void wellnessPeaksAtTheOptimumAndFallsAwayFromIt() {
        for (ParameterRange range : ParameterRange.values()) {
            double atOptimum = processor.wellness(range, range.optimum());
            assertEquals(1.0, atOptimum, TOLERANCE, range.name());
            double span = range.max() - range.min();
            assertTrue(processor.wellness(range, range.optimum() - span / 10) < atOptimum, range.name());
            assertTrue(processor.wellness(range, range.optimum() + span / 10) < atOptimum, range.name());
        }
    }

    @Test
    void coefficientsAreInTheUnitIntervalAndRoundedToTwoDecimals() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 10_000; i++) {
            double air = processor.airWellness(random.nextDouble(-90, 60), random.nextDouble(0, 100));
            double pollution = processor.pollutionCoefficient(random.nextInt(0, 2_000));
            for (double value : new double[] {air, pollution}) {
                assertTrue(value >= 0 && value <= 1, "out of [0, 1]: " + value);
                assertEquals(Math.round(value * 100) / 100.0, value, 0, "not rounded to 2 decimals: " + value);
            }
        }
    }
}
