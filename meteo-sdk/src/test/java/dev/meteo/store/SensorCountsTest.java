package dev.meteo.store;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-sensor check: confirmed <= stored + late + rejected <= confirmed + failed + in doubt. */
class SensorCountsTest {

    private final SensorCounts tenClassified = new SensorCounts(8, 1, 1);

    @Test
    void countsBetweenConfirmedAndSentAgree() {
        assertNull(tenClassified.check(10, 0));
        assertNull(tenClassified.check(9, 2)); // one of the failed records was stored after all
    }

    @Test
    void aConfirmedRecordMissingFromTheStoreIsALoss() {
        assertTrue(tenClassified.check(11, 0).startsWith("1 confirmed records are in no window"));
    }

    @Test
    void moreRecordsClassifiedThanSentIsADoubleCount() {
        assertTrue(tenClassified.check(8, 1).startsWith("1 more records classified than the sensor sent"));
    }

    @Test
    void recordsInDoubtOfAKilledSensorMayOrMayNotBeClassified() {
        // a killed process's last status said 7 confirmed; it had sent 5 more, whose fate it never learnt
        assertNull(tenClassified.check(7, 0, 5));
        assertNull(tenClassified.check(7, 0, 3));
        assertTrue(tenClassified.check(7, 0, 2).contains("in doubt 2): some counted twice"));
        assertTrue(tenClassified.check(11, 0, 5).startsWith("1 confirmed records are in no window"));
    }
}
