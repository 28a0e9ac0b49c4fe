package dev.meteo.formula;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MeteoDataDetectorTest {

    private static final int READINGS = 2_000;

    @Test
    void eachInstanceDrawsItsOwnSubRangeInsideTheAcceptedRange() {
        for (long seed = 0; seed < 200; seed++) {
            MeteoDataDetector detector = new MeteoDataDetector(new SplittableRandom(seed));
            for (ParameterRange range : ParameterRange.values()) {
                double[] sub = detector.subRange(range);
                assertTrue(sub[0] <= sub[1], "min above max: " + sub[0] + ".." + sub[1]);
                assertTrue(sub[0] >= range.min() && sub[1] <= range.max(),
                        range + " sub-range " + sub[0] + ".." + sub[1] + " leaves the accepted range");
            }
        }
        double[] first = new MeteoDataDetector(new SplittableRandom(1)).subRange(ParameterRange.TEMPERATURE);
        double[] second = new MeteoDataDetector(new SplittableRandom(2)).subRange(ParameterRange.TEMPERATURE);
        assertFalse(first[0] == second[0] && first[1] == second[1], "two instances drew the same sub-range");
    }

    @Test
    void airReadingsStayInTheInstanceSubRangeAndHaveTwoDecimals() {
        MeteoDataDetector detector = new MeteoDataDetector(new SplittableRandom(7));
        double[] temperature = detector.subRange(ParameterRange.TEMPERATURE);
        double[] humidity = detector.subRange(ParameterRange.HUMIDITY);
        for (int i = 0; i < READINGS; i++) {
            MeteoDataDetector.AirReading reading = detector.analyzeAir();
            // rounding to 2 decimals may move a reading by at most half a hundredth past the sub-range
            assertInside(temperature, reading.temperature(), 0.005);
            assertInside(humidity, reading.humidity(), 0.005);
            assertHasTwoDecimals(reading.temperature());
            assertHasTwoDecimals(reading.humidity());
        }
    }

    @Test
    void pollutionReadingsAreIntegersInTheInstanceSubRange() {
        MeteoDataDetector detector = new MeteoDataDetector(new SplittableRandom(11));
        double[] co2 = detector.subRange(ParameterRange.CO2);
        for (int i = 0; i < READINGS; i++) {
            int reading = detector.analyzePollution();
            assertInside(co2, reading, 0.5);
            assertTrue(reading >= 300 && reading <= 500, "outside the accepted range: " + reading);
        }
    }

    @Test
    void theSameSeedGivesTheSameReadings() {
        MeteoDataDetector a = new MeteoDataDetector(new SplittableRandom(99));
        MeteoDataDetector b = new MeteoDataDetector(new SplittableRandom(99));
        MeteoDataDetector other = new MeteoDataDetector(new SplittableRandom(100));
        for (ParameterRange range : ParameterRange.values()) {
            assertArrayEquals(a.subRange(range), b.subRange(range), 0);
        }
        boolean differs = false;
        for (int i = 0; i < 100; i++) {
            MeteoDataDetector.AirReading air = a.analyzeAir();
            assertEquals(air, b.analyzeAir());
            int co2 = a.analyzePollution();
            assertEquals(co2, b.analyzePollution());
            differs |= !air.equals(other.analyzeAir());
        }
        assertTrue(differs, "another seed gave the same readings");
    }

    @Test
    void subRangeReturnsACopy() {
        MeteoDataDetector detector = new MeteoDataDetector(new SplittableRandom(3));
        double[] range = detector.subRange(ParameterRange.CO2);
        range[0] = -1;
        assertNotEquals(-1, detector.subRange(ParameterRange.CO2)[0]);
    }

    private static void assertInside(double[] range, double value, double slack) {
        assertTrue(value >= range[0] - slack && value <= range[1] + slack,
                value + " outside the sub-range " + range[0] + ".." + range[1]);
    }

    private static void assertHasTwoDecimals(double value) {
        assertEquals(Math.round(value * 100) / 100.0, value, 0, "not rounded to 2 decimals: " + value);
    }
}
