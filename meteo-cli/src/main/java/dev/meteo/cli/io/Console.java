package dev.meteo.cli.io;

/**
 * The launcher's own one-line messages, timestamped, on stderr (stdout stays free for the dashboard or data), in the
 * process's log format ({@link Logs}).
 */
public final class Console {

    private Console() {
    }

    public static void info(String message) {
        Logs.console(System.err, message);
    }
}
