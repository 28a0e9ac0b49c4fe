package dev.meteo.cli.options;

import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/**
 * Options a command no longer takes, and where what they said lives now. Given anyway, one fails as a usage error
 * that names that place, rather than with picocli's bare "Unknown option" (and never silently: a value that is
 * ignored would be believed). Environment variables and the config file set only options that exist, so a
 * {@code METEO_GRACE} meant for the proxy does not trip a terminal. The table of every option in
 * {@code docs/operations.md} lists these too, and a test holds both to this list.
 */
public final class RemovedOptions {

    /**
     * One removed option.
     *
     * @param command the subcommand that took it
     * @param names   every name it had ({@code -g}, {@code --grace})
     * @param instead where the fact lives now, or what to write instead
     */
    public record Removed(String command, List<String> names, String instead) {
        public Removed {
            names = List.copyOf(names);
        }

        boolean matches(String argument) {
            return names.stream().anyMatch(name -> argument.equals(name) || argument.startsWith(name + "="));
        }
    }

    private static final String WINDOW = "the deployment's window size is read from Redis (<prefix>window:size), where "
            + "its first proxy wrote it: it is set once, by 'meteo proxy --window'";
    private static final String GRACE = "the deployment's grace is read from Redis (<prefix>window:grace), where its "
            + "first proxy wrote it: it is set once, by 'meteo proxy --grace'";

    /** Every removed option. */
    public static final List<Removed> ALL = List.of(
            new Removed("terminal", List.of("--window"), WINDOW),
            new Removed("terminal", List.of("--grace"), GRACE),
            new Removed("status", List.of("-w", "--window"), WINDOW),
            new Removed("status", List.of("-g", "--grace"), GRACE),
            new Removed("reset", List.of("--rabbit"), "say the deployment's mode as every role does: --mode rabbit "
                    + "(or METEO_MODE=rabbit) also deletes its RabbitMQ queues and exchange"));

    private RemovedOptions() {
    }

    /** The removed option among {@code arguments} of {@code command}, if one is. */
    static Optional<Removed> among(String command, List<String> arguments) {
        return ALL.stream().filter(removed -> removed.command().equals(command))
                .filter(removed -> arguments.stream().anyMatch(removed::matches)).findFirst();
    }

    /**
     * A parameter exception handler that explains a removed option (then shows the usage, exit code 2, as for any
     * usage error) and leaves every other error to {@code next}.
     */
    public static IParameterExceptionHandler explaining(IParameterExceptionHandler next) {
        return (error, args) -> {
            CommandLine command = error.getCommandLine();
            if (error instanceof UnmatchedArgumentException unmatched) {
                Optional<Removed> removed = among(command.getCommandName(), unmatched.getUnmatched());
                if (removed.isPresent()) {
                    PrintWriter err = command.getErr();
                    err.println(command.getColorScheme().errorText("meteo " + command.getCommandName() + ": "
                            + String.join("/", removed.get().names()) + " was removed: " + removed.get().instead()));
                    command.usage(err, command.getColorScheme());
                    return command.getCommandSpec().exitCodeOnInvalidInput();
                }
            }
            return next.handleParseException(error, args);
        };
    }
}
