package dev.meteo.bench;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Progress lines on stderr while the bench runs (stdout keeps the table): phase, elapsed, current rates. */
final class Progress {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintStream out;
    private final int every;
    private final long startNanos = System.nanoTime();

    /** @param every print one tick line every this many seconds (and the last one of a phase) */
    Progress(PrintStream out, int every) {
        this.out = out;
        this.every = Math.max(1, every);
    }

    void say(String message) {
        out.printf(Locale.ROOT, "%s bench [%4ds] %s%n", LocalTime.now().format(TIME), elapsed(), message);
    }

    void phase(String mode, String what) {
        say(mode + ": " + what);
    }

    void tick(String mode, String phase, long second, long of, double accepted, double stored) {
        if (second % every == 0 || second == of) {
            say(String.format(Locale.ROOT, "%s: %s %d/%d s, accepted %,.0f/s, stored %,.0f/s", mode, phase, second, of,
                    accepted, stored));
        }
    }

    void tick(String what, String phase, long second, long of, double rate) {
        if (second % every == 0 || second == of) {
            say(String.format(Locale.ROOT, "%s: %s %d/%d s, %,.0f/s", what, phase, second, of, rate));
        }
    }

    private long elapsed() {
        return (System.nanoTime() - startNanos) / 1_000_000_000L;
    }
}
