package dev.meteo.cli;



import dev.meteo.cli.command.LoadBalancerCommand;
import dev.meteo.cli.command.ProxyCommand;
import dev.meteo.cli.command.ResetCommand;
import dev.meteo.cli.command.SensorCommand;
import dev.meteo.cli.command.ServerCommand;
import dev.meteo.cli.command.StatusCommand;
import dev.meteo.cli.command.TerminalCommand;
import dev.meteo.cli.dashboard.AnsiDashboardSink;
import dev.meteo.cli.io.LogFormat;
import dev.meteo.cli.io.Logs;
import dev.meteo.cli.options.EnvironmentDefaults;
import dev.meteo.cli.options.HelpWithoutSecrets;
import dev.meteo.cli.options.RemovedOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine;

import java.util.Comparator;
import java.util.ServiceLoader;

/**
 * The meteo launcher: one subcommand per role, {@code status} and {@code reset}, and the subcommands of the modules on
 * the class path ({@link LauncherSubcommand}: the demo, the load harness).
 */
@Command(name = "meteo", mixinStandardHelpOptions = true, version = "meteo 0.1.0",
        description = {"Meteo: a distributed meteorological data pipeline, in direct (gRPC) or indirect (RabbitMQ) mode.",
                "",
                "Start with 'meteo demo'. Every option also reads METEO_<OPTION> from the environment (e.g. "
                        + "METEO_REDIS_URI) and the config file named by METEO_CONFIG (default ./meteo.properties); "
                        + "flags win over both.", ""},
        subcommands = {SensorCommand.class, ServerCommand.class, LoadBalancerCommand.class,
                ProxyCommand.class, TerminalCommand.class, StatusCommand.class, ResetCommand.class})
public final class Meteo implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Builds the command line with its defaults provider and error handling, for main and for tests. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Meteo());
        ServiceLoader.load(LauncherSubcommand.class).stream().map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparing(command -> command.getClass().getAnnotation(Command.class).name()))
                .forEach(commandLine::addSubcommand);
        commandLine.addSubcommand(new CommandLine.HelpCommand());
        commandLine.setDefaultValueProvider(new EnvironmentDefaults());
        commandLine.setHelpFactory(new HelpWithoutSecrets()); // defaults come from METEO_*: never print a password
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        // an option that moved (a deployment fact now read from Redis) fails naming where it lives now
        commandLine.setParameterExceptionHandler(RemovedOptions.explaining(commandLine.getParameterExceptionHandler()));
        commandLine.setExecutionExceptionHandler((error, cmd, parsed) -> {
            Throwable cause = error;
            cmd.getErr().println(cmd.getColorScheme().errorText("meteo " + cmd.getCommandName() + ": " + describe(cause)));
            return 1;
        });
        return commandLine;
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        Throwable cause = error.getCause();
        if ((message == null || message.isBlank()) && cause != null) {
            return describe(cause);
        }
        return message == null ? error.getClass().getSimpleName() : message;
    }

    public static void main(String[] args) {
        // One line per log record, the SDK's and the libraries' alike (--log-format changes it once parsed).
        Logs.configure(LogFormat.TEXT);
        System.setProperty(AnsiDashboardSink.DISABLE_ALTERNATE_CHARSET, "true");
        CommandLine commandLine;
        try {
            commandLine = commandLine();
        } catch (CommandLine.InitializationException e) {
            // a bad METEO_CONFIG: say which file, without a stack trace, as for any other usage error
            System.err.println("meteo: " + e.getMessage());
            System.exit(CommandLine.ExitCode.USAGE);
            return;
        }
        System.exit(commandLine.execute(args));
    }
}
