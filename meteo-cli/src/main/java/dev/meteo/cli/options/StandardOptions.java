package dev.meteo.cli.options;

import dev.meteo.cli.io.LogFormat;
import dev.meteo.cli.io.Logs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Mixed into every command: {@code --help}, {@code --version} and {@code --log-format}, options listed in the order
 * they are declared.
 */
@Command(mixinStandardHelpOptions = true, sortOptions = false, version = "meteo 0.1.0")
public final class StandardOptions {

    private LogFormat logFormat = LogFormat.TEXT;

    @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "text", order = 1000,
            description = "Log lines on stderr as text, or one JSON object per line (time, level, role, id, message, "
                    + "fields) for log collectors; the libraries' lines too (default: ${DEFAULT-VALUE}).")
    void logFormat(LogFormat format) {
        logFormat = format;
        Logs.configure(format);
    }

    public LogFormat logFormat() {
        return logFormat;
    }
}
