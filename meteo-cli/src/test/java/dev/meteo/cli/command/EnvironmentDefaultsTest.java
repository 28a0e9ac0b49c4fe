package dev.meteo.cli.command;

import dev.meteo.cli.Launcher;
import dev.meteo.cli.options.EnvironmentDefaults;
import dev.meteo.cli.options.Mode;
import dev.meteo.redis.RedisSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Flags win over {@code METEO_*} variables, which win over the config file, which wins over the built-in default. */
class EnvironmentDefaultsTest {

    @TempDir
    Path dir;

    private Map<String, String> environment(String... config) throws IOException {
        Path file = dir.resolve("meteo.properties");
        Files.write(file, java.util.List.of(config));
        Map<String, String> environment = new HashMap<>();
        environment.put("METEO_CONFIG", file.toString());
        return environment;
    }

    private static ServerCommand server(Map<String, String> environment, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "server";
        System.arraycopy(args, 0, all, 1, args.length);
        CommandLine.ParseResult parsed = new Launcher(environment).commandLine.parseArgs(all);
        return (ServerCommand) parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void withNothingSetTheBuiltInDefaultApplies() throws IOException {
        ServerCommand server = server(environment());
        assertEquals(RedisSettings.DEFAULT_URI, server.redis.uri());
        assertEquals(Duration.ofSeconds(5), server.statusEvery);
    }

    @Test
    void theConfigFileWinsOverTheBuiltInDefault() throws IOException {
        ServerCommand server = server(environment("redis-uri=redis://from-file:6379/1", "status-every=2s"));
        assertEquals("redis://from-file:6379/1", server.redis.uri());
        assertEquals(Duration.ofSeconds(2), server.statusEvery);
    }

    @Test
    void theEnvironmentWinsOverTheConfigFile() throws IOException {
        Map<String, String> environment = environment("redis-uri=redis://from-file:6379/1");
        environment.put("METEO_REDIS_URI", "redis://from-env:6379/2");
        assertEquals("redis://from-env:6379/2", server(environment).redis.uri());
    }

    @Test
    void aFlagWinsOverBoth() throws IOException {
        Map<String, String> environment = environment("redis-uri=redis://from-file:6379/1");
        environment.put("METEO_REDIS_URI", "redis://from-env:6379/2");
        assertEquals("redis://from-flag:6379/3",
                server(environment, "--redis-uri", "redis://from-flag:6379/3").redis.uri());
    }

    @Test
    void aBlankVariableCountsAsUnset() throws IOException {
        Map<String, String> environment = environment("redis-uri=redis://from-file:6379/1");
        environment.put("METEO_REDIS_URI", "  ");
        assertEquals("redis://from-file:6379/1", server(environment).redis.uri());
    }

    @Test
    void valuesFromTheEnvironmentGoThroughTheSameConverters() throws IOException {
        Map<String, String> environment = environment();
        environment.put("METEO_DELAY", "0..50ms");
        environment.put("METEO_MODE", "RABBIT");
        ServerCommand server = server(environment);
        assertEquals(Duration.ofMillis(50), server.delay.max());
        assertEquals(Mode.RABBIT, server.mode.mode());
    }

    @Test
    void everyOptionReadsTheVariableNamedAfterIt() {
        assertEquals("METEO_REDIS_URI", EnvironmentDefaults.environmentVariable("redis-uri"));
        assertEquals("METEO_AIR_SENSORS", EnvironmentDefaults.environmentVariable("air-sensors"));
    }

    @Test
    void aConfigFileThatDoesNotExistIsNamed() {
        Path missing = dir.resolve("nope.properties");
        var error = assertThrows(CommandLine.InitializationException.class,
                () -> new EnvironmentDefaults(Map.of("METEO_CONFIG", missing.toString())));
        assertEquals("METEO_CONFIG names " + missing + ", which does not exist", error.getMessage());
    }

    @Test
    void aBlankConfigVariableIsNoConfigFile() {
        // falls back to ./meteo.properties or ~/.config/meteo/meteo.properties, which need not exist
        assertDoesNotThrow(() -> new EnvironmentDefaults(Map.of("METEO_CONFIG", " ")));
    }
}
