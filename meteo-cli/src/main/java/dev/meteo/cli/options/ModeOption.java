package dev.meteo.cli.options;

import picocli.CommandLine.Option;

/** The {@code --mode} option shared by the roles that exist in both modes. */
public final class ModeOption {

    @Option(names = {"-m", "--mode"}, defaultValue = "grpc", paramLabel = "grpc|rabbit",
            description = "Communication mode: grpc (direct) or rabbit (indirect) (default: ${DEFAULT-VALUE}).")
    private Mode mode;

    public Mode mode() {
        return mode;
    }
}
