package dev.meteo.cli;

import dev.meteo.cli.options.RemovedOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The table of every option of every command in docs/operations.md cannot drift from the commands: read against
 * picocli's model of the real launcher, every option of every subcommand has its row (its names, whether it is hidden,
 * its default), no row names an option a command does not take, and the removed options are exactly those the
 * launcher explains, each failing with a message that says where the fact lives now.
 */
class OptionsTableTest {

    /**
     * The subcommands audited: every one but picocli's own {@code help}; a nested one by its path
     * ({@code "bench soak"}), should a command grow subcommands of its own.
     */
    private static final List<String> COMMANDS =
            List.of("demo", "sensor", "server", "lb", "proxy", "terminal", "status", "reset", "bench", "bench throughput",
                    "bench scale", "bench soak", "bench relay-backend");
    private static final Path OPERATIONS = Path.of("").toAbsolutePath().getParent().resolve("docs/operations.md");
    private static final String NO_DEFAULT = "—";

    /**
     * One row of the table: the option's names, the commands that take it, the default each gives it ({@code null}:
     * none), and whether it is hidden.
     */
    private record Row(int line, List<String> names, List<String> commands, Map<String, String> defaults, boolean hidden) {
        String label() {
            return "docs/operations.md line " + line + " (" + String.join(", ", names) + ")";
        }
    }

    /** One row of the removed options' table. */
    private record RemovedRow(String command, List<String> names, String instead) {
    }

    private final CommandLine meteo = Meteo.commandLine(); // the subcommands found on the class path included

    @TempDir
    Path dir;

    private Map<String, String> environment;

    @BeforeEach
    void emptyConfig() throws IOException {
        environment = Map.of("METEO_CONFIG", Files.createFile(dir.resolve("meteo.properties")).toString());
    }

    /** The cells of each table row between the heading {@code section} and the next {@code ## } heading. */
    private static List<Map.Entry<Integer, List<String>>> tableRows(String section) throws IOException {
        List<String> lines = Files.readAllLines(OPERATIONS);
        int start = lines.indexOf(section);
        assertTrue(start >= 0, "docs/operations.md has no section '" + section + "'");
        List<Map.Entry<Integer, List<String>>> rows = new ArrayList<>();
        for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
            String line = lines.get(i).strip();
            if (!line.startsWith("|") || line.startsWith("|---") || line.startsWith("| option |")
                    || line.startsWith("| command |")) {
                continue;
            }
            List<String> cells = new ArrayList<>();
            for (String cell : line.substring(1, line.length() - 1).split("\\|", -1)) {
                cells.add(cell.strip());
            }
            rows.add(Map.entry(i + 1, cells));
        }
        return rows;
    }

    /** {@code `-m`, `--mode`} -> {@code [-m, --mode]}. */
    private static List<String> names(String cell) {
        return Stream.of(cell.split(",")).map(name -> name.strip().replace("`", "")).toList();
    }

    private static String value(String cell) {
        String value = cell.strip();
        return value.equals(NO_DEFAULT) ? null : value.replace("`", "");
    }

    private static List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<Integer, List<String>> entry : tableRows("## Options of every command")) {
            List<String> cells = entry.getValue();
            assertEquals(4, cells.size(), "docs/operations.md line " + entry.getKey() + ": option | commands | default | what");
            List<String> commands = cells.get(1).equals("all") ? COMMANDS
                    : Stream.of(cells.get(1).split(",")).map(String::strip).toList();
            Map<String, String> defaults = new HashMap<>();
            if (cells.get(2).contains(": ")) { // per command: "proxy: `30`; demo: —"
                for (String part : cells.get(2).split(";")) {
                    String[] commandAndValue = part.split(": ", 2);
                    for (String command : commandAndValue[0].split(",")) {
                        defaults.put(command.strip(), value(commandAndValue[1]));
                    }
                }
                assertEquals(new TreeSet<>(commands), new TreeSet<>(defaults.keySet()),
                        "docs/operations.md line " + entry.getKey() + ": a default for each command of the row");
            } else {
                commands.forEach(command -> defaults.put(command, value(cells.get(2))));
            }
            rows.add(new Row(entry.getKey(), names(cells.get(0)), commands, defaults, cells.get(3).startsWith("(hidden)")));
        }
        return rows;
    }

    /** The command at {@code path} ({@code "bench"}, {@code "bench soak"}). */
    private CommandSpec spec(String path) {
        CommandLine command = meteo;
        for (String name : path.split(" ")) {
            command = command.getSubcommands().get(name);
        }
        return command.getCommandSpec();
    }

    /** Every subcommand under {@code command}, nested ones included, by path; not picocli's {@code help}. */
    private static void subcommands(CommandLine command, String prefix, Set<String> into) {
        command.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                into.add(prefix + name);
                subcommands(sub, prefix + name + " ", into);
            }
        });
    }

    @Test
    void theAuditedCommandsAreEveryCommandOfTheLauncher() {
        Set<String> subcommands = new TreeSet<>();
        subcommands(meteo, "", subcommands);
        assertEquals(new TreeSet<>(COMMANDS), subcommands, "a command the options table does not audit");
    }

    @TestFactory
    Stream<DynamicTest> everyOptionOfEveryCommandHasItsRowWithItsNamesAndDefault() throws IOException {
        List<Row> rows = rows();
        return COMMANDS.stream().map(command -> DynamicTest.dynamicTest(command, () -> {
            List<String> problems = new ArrayList<>();
            for (OptionSpec option : spec(command).options()) {
                List<Row> found = rows.stream()
                        .filter(row -> row.commands().contains(command) && row.names().contains(option.longestName()))
                        .toList();
                String label = command + " " + option.longestName();
                if (found.size() != 1) {
                    problems.add(label + ": " + (found.isEmpty() ? "no row" : found.size() + " rows"));
                    continue;
                }
                Row row = found.get(0);
                if (!new TreeSet<>(row.names()).equals(new TreeSet<>(List.of(option.names())))) {
                    problems.add(label + ": its names are " + List.of(option.names()) + ", " + row.label() + " says "
                            + row.names());
                }
                if (row.hidden() != option.hidden()) {
                    problems.add(label + ": " + (option.hidden() ? "hidden" : "in --help") + ", " + row.label()
                            + " says otherwise");
                }
                String expected = row.defaults().get(command);
                if (!(expected == null ? option.defaultValue() == null : expected.equals(option.defaultValue()))) {
                    problems.add(label + ": its default is " + option.defaultValue() + ", " + row.label() + " says "
                            + (expected == null ? NO_DEFAULT : expected));
                }
            }
            assertEquals(List.of(), problems);
        }));
    }

    @Test
    void noRowNamesAnOptionACommandDoesNotTake() throws IOException {
        List<String> stale = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (Row row : rows()) {
            for (String command : row.commands()) {
                if (!COMMANDS.contains(command)) {
                    stale.add(row.label() + ": no command '" + command + "'");
                    continue;
                }
                OptionSpec option = spec(command).findOption(row.names().get(row.names().size() - 1));
                if (option == null || !new TreeSet<>(List.of(option.names())).equals(new TreeSet<>(row.names()))) {
                    stale.add(row.label() + ": meteo " + command + " takes no such option");
                }
                Integer before = seen.put(command + " " + row.names(), row.line());
                if (before != null) {
                    stale.add(row.label() + ": meteo " + command + " has this option in line " + before + " already");
                }
            }
        }
        assertEquals(List.of(), stale);
    }

    @Test
    void theRemovedOptionsAreThoseTheLauncherExplainsAndNoCommandTakesThemAnyMore() throws IOException {
        List<RemovedRow> documented = new ArrayList<>();
        for (Map.Entry<Integer, List<String>> entry : tableRows("## Removed options")) {
            List<String> cells = entry.getValue();
            documented.add(new RemovedRow(cells.get(0), names(cells.get(1)), cells.get(2)));
        }
        Set<String> inTable = new LinkedHashSet<>();
        documented.forEach(row -> inTable.add(row.command() + " " + row.names()));
        Set<String> explained = new LinkedHashSet<>();
        RemovedOptions.ALL.forEach(removed -> explained.add(removed.command() + " " + removed.names()));
        assertEquals(explained, inTable, "the removed options' table and RemovedOptions.ALL");
        for (RemovedOptions.Removed removed : RemovedOptions.ALL) {
            for (String name : removed.names()) {
                assertFalse(spec(removed.command()).optionsMap().containsKey(name),
                        "meteo " + removed.command() + " takes " + name + " again: take it out of RemovedOptions");
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> aRemovedOptionFailsSayingWhereTheFactLivesNow() {
        return RemovedOptions.ALL.stream().flatMap(removed -> removed.names().stream().flatMap(name -> Stream.of(
                List.of(removed.command(), name, "4s"), List.of(removed.command(), name + "=4s"))))
                .map(args -> DynamicTest.dynamicTest(String.join(" ", args), () -> {
                    Launcher launcher = new Launcher(environment);
                    int exit = launcher.execute(args.toArray(String[]::new));
                    String err = launcher.err();
                    assertEquals(CommandLine.ExitCode.USAGE, exit, err);
                    RemovedOptions.Removed removed = RemovedOptions.ALL.stream()
                            .filter(r -> r.command().equals(args.get(0)) && r.names().contains(args.get(1).split("=")[0]))
                            .findFirst().orElseThrow();
                    assertTrue(err.contains("meteo " + removed.command() + ": " + String.join("/", removed.names())
                            + " was removed: " + removed.instead()), err);
                    assertTrue(err.contains("Usage: meteo " + removed.command()), "the usage follows: " + err);
                    assertFalse(err.contains("Exception"), err);
                }));
    }

    @Test
    void aVariableMeantForTheProxyDoesNotTripTheCommandsThatNoLongerTakeIt() {
        Map<String, String> shared = new HashMap<>(environment);
        shared.put("METEO_WINDOW", "2s"); // as deploy/ gives every role
        shared.put("METEO_GRACE", "4s");
        for (String command : List.of("terminal", "status", "proxy")) {
            Launcher launcher = new Launcher(shared);
            assertEquals(0, launcher.execute(command, "--help"), command + ": " + launcher.err());
        }
    }
}
