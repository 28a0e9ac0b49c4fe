package dev.meteo.cli.io;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** One-line, timestamped messages on stderr, so that stdout stays free for the dashboard or data. */
public final class Console {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private Console() {
    }

    public static void info(String message) {
        System.err.println(LocalTime.now().format(TIME) + " " + message);
    }
}
