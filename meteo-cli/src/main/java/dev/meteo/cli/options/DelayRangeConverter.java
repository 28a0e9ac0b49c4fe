package dev.meteo.cli.options;

import dev.meteo.formula.ProcessingDelay;
import picocli.CommandLine;

/** Reads a processing delay range {@code MIN..MAX} ({@code 0.5s..3.5s}, {@code 0..50ms}) or one fixed value. */
public final class DelayRangeConverter implements CommandLine.ITypeConverter<ProcessingDelay> {

    @Override
    public ProcessingDelay convert(String text) {
        String[] parts = text.split("\\.\\.", -1);
        try {
            if (parts.length == 1) {
                var fixed = DurationConverter.parse(parts[0]);
                return new ProcessingDelay(fixed, fixed);
            }
            if (parts.length == 2) {
                // "0..50ms": a bare 0 needs no unit.
                var min = DurationConverter.parse(parts[0]);
                var max = DurationConverter.parse(parts[1]);
                if (max.compareTo(min) < 0) {
                    throw new CommandLine.TypeConversionException("'" + text + "' is not a delay range: MIN "
                            + DurationConverter.format(min) + " is above MAX " + DurationConverter.format(max)
                            + "; write MIN..MAX with MIN <= MAX, e.g. 0.5s..3.5s");
                }
                return new ProcessingDelay(min, max);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a delay range: " + e.getMessage());
        }
        throw new CommandLine.TypeConversionException("'" + text + "' is not a delay range: write MIN..MAX, e.g. 0.5s..3.5s");
    }

    public static String format(ProcessingDelay delay) {
        return DurationConverter.format(delay.min()) + ".." + DurationConverter.format(delay.max());
    }
}
