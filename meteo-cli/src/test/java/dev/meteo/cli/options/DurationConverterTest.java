package dev.meteo.cli.options;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurationConverterTest {

    @ParameterizedTest
    @CsvSource({"200ms, 200", "2s, 2000", "1.5s, 1500", "1m, 60000", "1h, 3600000", "0, 0", "0s, 0",
            "PT2S, 2000", "pt0.5s, 500", " 2 s , 2000", "2S, 2000"})
    void readsDurationsAsPeopleWriteThem(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), DurationConverter.parse(text));
    }

    @Test
    void aNumberWithoutUnitSaysWhichUnitsExist() {
        var error = assertThrows(CommandLine.TypeConversionException.class, () -> DurationConverter.parse("2"));
        assertTrue(error.getMessage().contains("'2' has no unit: write 2s, 200ms"), error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "2 seconds", "1.s", "", "PTX"})
    void textThatIsNoDurationSaysHowToWriteOne(String text) {
        var error = assertThrows(CommandLine.TypeConversionException.class, () -> DurationConverter.parse(text));
        assertTrue(error.getMessage().contains("is not a duration: write it like 200ms, 2s, 1.5s, 1m or 1h"), error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-2s", "-0.5s", "PT-2S", "-PT2S"})
    void negativeDurationsAreRefused(String text) {
        var error = assertThrows(CommandLine.TypeConversionException.class, () -> DurationConverter.parse(text));
        assertTrue(error.getMessage().contains("is negative: a duration is 0 or more"), error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "200ms", "1.5s", "2s", "1m", "1h", "90s"})
    void formatGivesBackWhatParseReads(String text) {
        Duration duration = DurationConverter.parse(text);
        assertEquals(duration, DurationConverter.parse(DurationConverter.format(duration)));
    }
}
