package dev.meteo.cli.io;

import java.util.Locale;

/** How a process writes its log lines on stderr; spelled in lower case on the command line. */
public enum LogFormat {
    /** {@code 20:10:01.123 INFO message}: for people. */
    TEXT,
    /** One JSON object per line (time, level, role, id, message, fields): for log collectors. */
    JSON;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
