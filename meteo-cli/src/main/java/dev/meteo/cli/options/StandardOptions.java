package dev.meteo.cli.options;

import picocli.CommandLine.Command;

/** Mixed into every command: {@code --help} and {@code --version}, options listed in the order they are declared. */
@Command(mixinStandardHelpOptions = true, sortOptions = false, version = "meteo 0.1.0")
public final class StandardOptions {
}
