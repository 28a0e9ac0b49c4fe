package dev.meteo.cli;

import picocli.CommandLine.Option;

/** The {@code --mode} option shared by the roles that exist in both modes. */
final class ModeOption {
    @Option(names = {"-m", "--mode"}, defaultValue = "grpc", paramLabel = "grpc|rabbit",
            description = "Communication mode: grpc (direct) or rabbit (indirect) (default: ${DEFAULT-VALUE}).")
    Mode mode;
}
