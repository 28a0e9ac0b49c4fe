package dev.meteo.cli.options;

import picocli.CommandLine.ITypeConverter;

import java.time.Duration;

/** A duration that may be negative, written as {@link DurationConverter} reads one with an optional leading '-'. */
public final class SignedDurationConverter implements ITypeConverter<Duration> {

    private final DurationConverter unsigned = new DurationConverter();

    @Override
    public Duration convert(String value) throws Exception {
        String text = value.trim();
        return text.startsWith("-") ? unsigned.convert(text.substring(1)).negated() : unsigned.convert(text);
    }
}
