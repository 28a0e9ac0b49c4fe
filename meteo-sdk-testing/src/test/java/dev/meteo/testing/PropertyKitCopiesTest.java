package dev.meteo.testing;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The property tests' generators and runner ({@link Gen}, {@link Tries}) are copied into the test sources of the
 * modules this one cannot serve ({@code meteo-sdk}, which it depends on, and {@code meteo-sdk-proto}): the copies
 * stay identical to this module's.
 */
class PropertyKitCopiesTest {

    private static final Path SOURCES = Path.of("src", "main", "java", "dev", "meteo", "testing");

    @ParameterizedTest
    @CsvSource({
            "meteo-sdk, Gen.java", "meteo-sdk, Tries.java",
            "meteo-sdk-proto, Gen.java", "meteo-sdk-proto, Tries.java"})
    void theCopyInAModuleThatCannotDependOnTheKitIsTheKitsFile(String module, String file) throws IOException {
        Path copy = Path.of("..", module, "src", "test", "java", "dev", "meteo", "testing", file);
        assertEquals(Files.readString(SOURCES.resolve(file)), Files.readString(copy),
                copy + " differs from meteo-sdk-testing's " + file + ": copy the kit's file over it");
    }
}
