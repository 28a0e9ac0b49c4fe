package dev.meteo.cli.options;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The usage help of every command, with secrets masked: an option's default comes from {@code METEO_*} variables and
 * the config file ({@link EnvironmentDefaults}), and picocli prints it where a description says
 * {@code ${DEFAULT-VALUE}}, so {@code METEO_REDIS_URI=redis://:PASSWORD@host meteo proxy --help} would show the
 * password. Here an option's value is masked wherever its description shows it: the credentials of a URI
 * ({@code scheme://credentials@host} becomes {@code scheme://***@host}), the whole value of an option whose name says
 * it is a secret ({@code token}, {@code password}, {@code secret}). Set once on the root command
 * ({@link CommandLine#setHelpFactory}), it covers every subcommand.
 */
public final class HelpWithoutSecrets implements CommandLine.IHelpFactory {

    /** {@code scheme://} then everything up to the last {@code @}: a URI's credentials. */
    private static final Pattern CREDENTIALS = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://).*@");
    private static final String MASK = "***";
    private static final int DESCRIPTION_COLUMN = 4;

    @Override
    public Help create(CommandSpec commandSpec, Help.ColorScheme colorScheme) {
        return new Help(commandSpec, colorScheme) {
            @Override
            public Help.IOptionRenderer createDefaultOptionRenderer() {
                Help.IOptionRenderer shown = super.createDefaultOptionRenderer();
                return (option, labels, colors) -> masked(option, shown.render(option, labels, colors), colors);
            }
        };
    }

    private static Text[][] masked(OptionSpec option, Text[][] rows, Help.ColorScheme colors) {
        String value = option.defaultValueString();
        if (value == null || value.isBlank() || value.equals("null")) {
            return rows;
        }
        String masked = isSecret(option) ? MASK : withoutCredentials(value);
        if (masked.equals(value)) {
            return rows;
        }
        for (Text[] row : rows) {
            if (row.length <= DESCRIPTION_COLUMN || row[DESCRIPTION_COLUMN] == null) {
                continue;
            }
            String description = row[DESCRIPTION_COLUMN].plainString();
            String hidden = description.replace(value, masked);
            if (!hidden.equals(description)) {
                row[DESCRIPTION_COLUMN] = colors.text(hidden);
            }
        }
        return rows;
    }

    /** {@code value} with a URI's credentials masked; anything else as it is. */
    static String withoutCredentials(String value) {
        Matcher credentials = CREDENTIALS.matcher(value);
        return credentials.find() ? credentials.replaceFirst(Matcher.quoteReplacement(credentials.group(1) + MASK + "@"))
                : value;
    }

    private static boolean isSecret(OptionSpec option) {
        String name = option.longestName().toLowerCase(Locale.ROOT);
        return name.contains("token") || name.contains("password") || name.contains("secret");
    }
}
