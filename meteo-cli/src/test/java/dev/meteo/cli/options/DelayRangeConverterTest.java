package dev.meteo.cli.options;

import dev.meteo.formula.ProcessingDelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DelayRangeConverterTest {

    private final DelayRangeConverter converter = new DelayRangeConverter();

    @ParameterizedTest
    @CsvSource({"0.5s..3.5s, 500, 3500", "0..50ms, 0, 50", "50ms..50ms, 50, 50", "0..0, 0, 0", "1s .. 2s, 1000, 2000"})
    void readsMinDotDotMax(String text, long min, long max) {
        assertEquals(new ProcessingDelay(Duration.ofMillis(min), Duration.ofMillis(max)), converter.convert(text));
    }

    @Test
    void aSingleValueIsAFixedDelay() {
        assertEquals(new ProcessingDelay(Duration.ofMillis(300), Duration.ofMillis(300)), converter.convert("300ms"));
        assertEquals(ProcessingDelay.NONE, converter.convert("0"));
    }

    @Test
    void maxBelowMinNamesBothEnds() {
        var error = assertThrows(CommandLine.TypeConversionException.class, () -> converter.convert("3s..1s"));
        assertEquals("'3s..1s' is not a delay range: MIN 3s is above MAX 1s; write MIN..MAX with MIN <= MAX, e.g. 0.5s..3.5s",
                error.getMessage());
    }

    @Test
    void aMalformedRangeSaysHowToWriteOne() {
        var error = assertThrows(CommandLine.TypeConversionException.class, () -> converter.convert("1s..2s..3s"));
        assertTrue(error.getMessage().contains("write MIN..MAX, e.g. 0.5s..3.5s"), error.getMessage());
    }

    @Test
    void anEndWithoutUnitIsNamed() {
        var error = assertThrows(CommandLine.TypeConversionException.class, () -> converter.convert("1..50ms"));
        assertTrue(error.getMessage().contains("'1' has no unit"), error.getMessage());
    }

    @Test
    void formatGivesBackWhatConvertReads() {
        ProcessingDelay delay = converter.convert("0.5s..3.5s");
        assertEquals("500ms..3.5s", DelayRangeConverter.format(delay));
        assertEquals(delay, converter.convert(DelayRangeConverter.format(delay)));
    }
}
