package dev.meteo.cli.options;

import picocli.CommandLine;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Option defaults from the environment, then a config file; flags given on the command line win over both. Option
 * {@code --redis-uri} reads {@code METEO_REDIS_URI}, then key {@code redis-uri} of the config file: the file named by
 * {@code METEO_CONFIG}, else {@code ./meteo.properties}, else {@code ~/.config/meteo/meteo.properties}.
 */
public final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {

    private final Map<String, String> environment;
    private final Properties config;

    public EnvironmentDefaults() {
        this(System.getenv());
    }

    /** Reads the given environment instead of the process's (tests); {@code METEO_CONFIG} in it names the file. */
    public EnvironmentDefaults(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        this.config = loadConfig(this.environment);
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
        if (!(argSpec instanceof CommandLine.Model.OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        String key = option.longestName().replaceFirst("^-+", "");
        String fromEnv = environment.get(environmentVariable(key));
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        return config.getProperty(key);
    }

    public static String environmentVariable(String optionKey) {
        return "METEO_" + optionKey.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    static Path configFile(Map<String, String> environment) {
        String named = environment.get("METEO_CONFIG");
        if (named != null && !named.isBlank()) {
            return Path.of(named);
        }
        Path local = Path.of("meteo.properties");
        if (Files.isRegularFile(local)) {
            return local;
        }
        return Path.of(System.getProperty("user.home"), ".config", "meteo", "meteo.properties");
    }

    private static Properties loadConfig(Map<String, String> environment) {
        Properties properties = new Properties();
        Path file = configFile(environment);
        if (Files.isRegularFile(file)) {
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new CommandLine.InitializationException("cannot read config file " + file + ": " + e.getMessage());
            }
        } else if (!environment.getOrDefault("METEO_CONFIG", "").isBlank()) {
            throw new CommandLine.InitializationException("METEO_CONFIG names " + file + ", which does not exist");
        }
        return properties;
    }
}
