package dev.meteo.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every flag the guides write exists: in a code block, each {@code meteo <command>} (as {@code ./meteo},
 * {@code meteo.jar} or {@code dev.meteo.cli.Meteo}) is followed only by options that command takes; in prose, every
 * {@code `--flag ...`} or {@code `meteo ... --flag`} names an option of some command. Read against
 * picocli's model of the real launcher, over README.md and docs/*.md.
 */
class GuideFlagsTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent(); // surefire runs in meteo-dist/
    private static final Pattern INVOCATION = Pattern.compile("(?:\\./meteo|meteo\\.jar|dev\\.meteo\\.cli\\.Meteo|^\\s*meteo)\\s+([a-z][a-z-]*)(?![\\w.:])((?:\\s+[a-z][a-z-]*(?![\\w.:]))?)");
    private static final Pattern FLAG = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]*[a-z0-9](?![\\w*.-])");
    private static final Pattern CODE_SPAN = Pattern.compile("`([^`]*)`");
    /**
     * Flags the guides name in prose that are not the launcher's: the simulation's ({@code SimulationMain}),
     * redis-server's, and a removed option in operations.md's table of them (which {@code OptionsTableTest} checks).
     */
    private static final Set<String> NOT_THE_LAUNCHERS = Set.of("--gap-on-second-offer", "--appendonly", "--rabbit");

    private final CommandLine meteo = Meteo.commandLine();

    private static List<Path> guides() throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        return files;
    }

    @Test
    void everyFlagInACodeBlockIsAnOptionOfTheCommandItFollows() throws IOException {
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Path file : guides()) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            boolean fenced = false;
            StringBuilder logical = new StringBuilder();
            int startLine = 0;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.strip().startsWith("```")) {
                    fenced = !fenced;
                    continue;
                }
                if (!fenced) {
                    continue;
                }
                if (logical.length() == 0) {
                    startLine = i + 1;
                }
                if (line.endsWith("\\")) {
                    logical.append(line, 0, line.length() - 1).append(' ');
                    continue;
                }
                logical.append(line);
                checked += check(logical.toString(), ROOT.relativize(file) + " line " + startLine, wrong);
                logical.setLength(0);
            }
        }
        assertTrue(checked > 50, "only " + checked + " flags found in the guides' code blocks");
        assertTrue(wrong.isEmpty(), "flags a command does not take:\n" + String.join("\n", wrong));
    }

    /** Checks the flags after each meteo invocation on one logical line; returns how many it checked. */
    private int check(String line, String where, List<String> wrong) {
        String code = line.replaceAll("\\s#\\s.*$", "");  // a trailing comment
        int checked = 0;
        Matcher invocation = INVOCATION.matcher(code);
        while (invocation.find()) {
            String name = invocation.group(1);
            CommandLine command = meteo.getSubcommands().get(name);
            if (command == null) {
                wrong.add(where + ": no command 'meteo " + name + "': " + line.strip());
                continue;
            }
            String sub = invocation.group(2).strip();
            if (!sub.isEmpty() && command.getSubcommands().containsKey(sub)) {
                command = command.getSubcommands().get(sub);
            }
            String rest = code.substring(invocation.end()).split("\\||&&|;|\\$\\(|\\./meteo|meteo\\.jar")[0];
            Matcher flag = FLAG.matcher(rest);
            while (flag.find()) {
                checked++;
                if (command.getCommandSpec().findOption(flag.group()) == null) {
                    wrong.add(where + ": meteo " + command.getCommandName() + " has no " + flag.group() + ": " + line.strip());
                }
            }
        }
        return checked;
    }

    @Test
    void everyFlagNamedInProseIsAnOptionOfSomeCommand() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Path file : guides()) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            boolean fenced = false;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).strip().startsWith("```")) {
                    fenced = !fenced;
                    continue;
                }
                if (fenced) {
                    continue;
                }
                Matcher span = CODE_SPAN.matcher(lines.get(i));
                while (span.find()) {
                    String text = span.group(1).strip();
                    if (!text.startsWith("--") && !text.startsWith("meteo ") && !text.startsWith("./meteo ")) {
                        continue; // another tool's command line (redis-server ..., prlimit ...)
                    }
                    Matcher flag = FLAG.matcher(span.group(1));
                    while (flag.find()) {
                        if (!NOT_THE_LAUNCHERS.contains(flag.group()) && !anyCommandTakes(meteo, flag.group())) {
                            wrong.add(ROOT.relativize(file) + " line " + (i + 1) + ": no command takes " + flag.group());
                        }
                    }
                }
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    private static boolean anyCommandTakes(CommandLine command, String flag) {
        if (command.getCommandSpec().findOption(flag) != null) {
            return true;
        }
        return command.getSubcommands().values().stream().anyMatch(sub -> anyCommandTakes(sub, flag));
    }
}
