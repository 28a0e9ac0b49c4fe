package dev.meteo.cli;

import dev.meteo.process.ChildProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --help} documents every option and its default; a bad value is a usage error (exit 2), never a stack trace. */
class CommandLineUsageTest {

    private static final List<String> SUBCOMMANDS = List.of("sensor", "server", "lb", "proxy", "terminal", "demo", "reset");

    @TempDir
    Path dir;

    private Map<String, String> environment;

    @BeforeEach
    void emptyConfig() throws IOException {
        // an empty config file and no METEO_* variable: the defaults shown are the built-in ones
        Path config = Files.createFile(dir.resolve("meteo.properties"));
        environment = Map.of("METEO_CONFIG", config.toString());
    }

    @TestFactory
    Stream<DynamicTest> helpOfEverySubcommandNamesEachOptionAndItsDefault() {
        return SUBCOMMANDS.stream().map(name -> DynamicTest.dynamicTest(name + " --help", () -> {
            Launcher launcher = new Launcher(environment);
            assertEquals(0, launcher.execute(name, "--help"), launcher.err());
            String help = launcher.out().replaceAll("\\s+", " ");
            CommandLine.Model.CommandSpec spec = launcher.commandLine.getSubcommands().get(name).getCommandSpec();
            assertAll(spec.options().stream()
                    .filter(option -> !option.hidden() && !option.usageHelp() && !option.versionHelp())
                    .map(option -> () -> {
                        String label = name + " " + option.longestName();
                        assertTrue(help.contains(option.longestName()), label + " is not in the help");
                        String description = String.join(" ", option.description());
                        if (description.contains("${DEFAULT-VALUE}")) {
                            assertTrue(help.contains("default: " + option.defaultValue()),
                                    label + ": the help does not show its default " + option.defaultValue());
                        } else if (!option.required() && option.arity().max() > 0) {
                            // no built-in value: the description says what happens without it
                            assertTrue(description.contains("default") || description.contains("when not given"),
                                    label + ": the help does not say what happens when it is not given: " + description);
                        }
                    }));
        }));
    }

    @Test
    void childProcessesRunThisLauncher() {
        assertEquals(Meteo.class.getName(), ChildProcess.LAUNCHER);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "sensor --type water                 | expected one of [AIR, POLLUTION] (case-insensitive) but was 'water'",
            "sensor                              | Missing required option: '--type=air|pollution'",
            "sensor --type air --interval 2      | '2' has no unit: write 2s, 200ms, 1m",
            "sensor --type air --interval abc    | 'abc' is not a duration: write it like 200ms, 2s, 1.5s, 1m or 1h",
            "server --delay 3s..1s               | MIN 3s is above MAX 1s",
            "server --batch many                 | 'many' is not an int",
            "proxy --window -2s                  | '-2s' is negative",
            "terminal --dashboard fancy          | expected one of [AUTO, ANSI, PLAIN, NONE] (case-insensitive)",
            "demo --mode pigeon                  | expected one of [GRPC, RABBIT] (case-insensitive) but was 'pigeon'",
            "demo --duration 1.5                 | '1.5' has no unit",
            "lb --frobnicate                     | Unknown option: '--frobnicate'",
    })
    void anInvalidValueIsAUsageErrorThatSaysWhatIsWrong(String args, String expected) {
        Launcher launcher = new Launcher(environment);
        int exit = launcher.execute(args.trim().split("\\s+"));
        assertEquals(CommandLine.ExitCode.USAGE, exit, launcher.err());
        assertTrue(launcher.err().contains(expected), launcher.err());
        assertTrue(launcher.err().contains("Usage: meteo "), "the usage follows the error");
        assertFalse(launcher.err().contains("Exception") || launcher.err().contains("\tat "), launcher.err());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "METEO_INTERVAL | soon  | sensor --type air | 'soon' is not a duration",
            "METEO_MODE     | smoke | server            | but was 'smoke'",
    })
    void anInvalidValueFromTheEnvironmentIsAUsageErrorToo(String variable, String value, String args, String expected) {
        Map<String, String> withVariable = new java.util.HashMap<>(environment);
        withVariable.put(variable, value);
        Launcher launcher = new Launcher(withVariable);
        assertEquals(CommandLine.ExitCode.USAGE, launcher.execute(args.trim().split("\\s+")), launcher.err());
        assertTrue(launcher.err().contains(expected), launcher.err());
    }
}
