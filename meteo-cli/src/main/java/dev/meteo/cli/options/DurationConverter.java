package dev.meteo.cli.options;

import picocli.CommandLine;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads durations as people write them: {@code 200ms}, {@code 2s}, {@code 1.5s}, {@code 1m}, {@code 1h}, {@code 0}. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    @Override
    public Duration convert(String text) {
        return parse(text);
    }

    public static Duration parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("-")) {
            throw new CommandLine.TypeConversionException(
                    "'" + text + "' is negative: a duration is 0 or more, written like 200ms, 2s, 1.5s, 1m or 1h");
        }
        if (value.startsWith("pt")) {
            Duration iso;
            try {
                iso = Duration.parse(value.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + text + "' is not a duration: write it like 200ms, 2s, 1.5s, 1m or 1h (or ISO-8601, e.g. PT2S)");
            }
            if (iso.isNegative()) {
                throw new CommandLine.TypeConversionException(
                        "'" + text + "' is negative: a duration is 0 or more, written like 200ms, 2s, 1.5s, 1m or 1h");
            }
            return iso;
        }
        Matcher matcher = FORMAT.matcher(value);
        if (!matcher.matches()) {
            throw new CommandLine.TypeConversionException(
                    "'" + text + "' is not a duration: write it like 200ms, 2s, 1.5s, 1m or 1h");
        }
        double amount = Double.parseDouble(matcher.group(1));
        String unit = matcher.group(2);
        if (unit == null) {
            if (amount != 0) {
                throw new CommandLine.TypeConversionException(
                        "'" + text + "' has no unit: write 2s, 200ms, 1m (only 0 may go without one)");
            }
            return Duration.ZERO;
        }
        double millis = switch (unit) {
            case "ms" -> amount;
            case "s" -> amount * 1_000;
            case "m" -> amount * 60_000;
            default -> amount * 3_600_000;
        };
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }

    /** The shortest human form of a duration, as accepted by {@link #parse}. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0";
        }
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1_000 == 0) {
            return millis / 1_000 + "s";
        }
        return millis >= 1_000 ? (millis / 1000.0) + "s" : millis + "ms";
    }
}
