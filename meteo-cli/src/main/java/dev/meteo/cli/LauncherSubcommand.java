package dev.meteo.cli;

/**
 * A subcommand another module adds to the launcher ({@code meteo demo}, {@code meteo bench}): a picocli command class
 * with a public no-argument constructor, listed in that module's
 * {@code META-INF/services/dev.meteo.cli.LauncherSubcommand}. {@link Meteo#commandLine()} finds every one on the class
 * path through {@link java.util.ServiceLoader}, so the launcher knows none of them and the fat jar has them all.
 */
public interface LauncherSubcommand {
}
