package dev.meteo.bench;

import dev.meteo.cli.LauncherSubcommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code meteo bench}: the load harness, three runs of the pipeline of one mode (or both), every role its own process:
 * {@code throughput}, {@code scale} and {@code soak}. See the package documentation for what each measures and the
 * JSON it writes.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        subcommands = {ThroughputCommand.class, ScaleCommand.class, SoakCommand.class, RelayBackendCommand.class},
        description = {"Load harness: runs the pipeline of one mode (or both, one after the other), every role its own "
                + "process, and reads what the roles measured (the meters /metrics serves) at the start and the end of "
                + "the measured period; lost records must be 0. 'throughput': full speed or a fixed rate, with the "
                + "transports' limits on this machine; 'scale': many slow sensors, step by step; 'soak': a long run "
                + "at a fixed rate, sampling what it leaves behind.",
                "",
                "Needs Redis and, for rabbit, RabbitMQ (not the embedded broker: PerfTest measures the real one). "
                        + "Prints a table on stdout, progress on stderr; exit 0 when nothing was lost, 2 otherwise.", ""})
public final class BenchCommand implements Runnable, LauncherSubcommand {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
