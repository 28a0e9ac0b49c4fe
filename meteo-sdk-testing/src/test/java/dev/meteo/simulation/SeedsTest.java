package dev.meteo.simulation;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SeedsTest {

    @Test
    void aSeedARangeWithBothEndsAndAListOfBoth() {
        assertArrayEquals(new long[] {42}, Seeds.parse("42").toArray());
        assertArrayEquals(new long[] {7, 8, 9}, Seeds.parse("7..9").toArray());
        assertArrayEquals(new long[] {1, 5, 6, -3}, Seeds.parse("1, 5..6,-3").toArray());
    }

    @Test
    void whatIsNotASeedIsRefusedWithTheFormsThatAre() {
        assertThrows(IllegalArgumentException.class, () -> Seeds.parse(""));
        assertThrows(IllegalArgumentException.class, () -> Seeds.parse("9..7"));
        assertThrows(IllegalArgumentException.class, () -> Seeds.parse("seed"));
    }
}
