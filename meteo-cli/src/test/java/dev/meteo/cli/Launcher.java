package dev.meteo.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** The launcher's command line as {@code main} builds it, with a given environment and its output captured. */
final class Launcher {

    final CommandLine commandLine;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    Launcher(Map<String, String> environment) {
        commandLine = Meteo.commandLine();
        commandLine.setDefaultValueProvider(new EnvironmentDefaults(environment));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
    }

    int execute(String... args) {
        return commandLine.execute(args);
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }
}
