package dev.meteo.cli;

import dev.meteo.cli.options.EnvironmentDefaults;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** The launcher's command line as {@code main} builds it, with a given environment and its output captured. */
public final class Launcher {

    public final CommandLine commandLine;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    public Launcher(Map<String, String> environment) {
        commandLine = Meteo.commandLine();
        commandLine.setDefaultValueProvider(new EnvironmentDefaults(environment));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
    }

    public int execute(String... args) {
        return commandLine.execute(args);
    }

    public String out() {
        return out.toString();
    }

    public String err() {
        return err.toString();
    }
}
