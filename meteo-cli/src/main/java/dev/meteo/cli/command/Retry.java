package dev.meteo.cli.command;

import dev.meteo.cli.io.Console;
import dev.meteo.internal.Backoff;
import dev.meteo.internal.TroubleLog;
import dev.meteo.transport.AccessRefusedException;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Keeps trying to reach a peer, saying once what it is waiting for and when it got it; except when the peer refused
 * this process's credentials ({@link AccessRefusedException}): no retry fixes that, so it ends the wait at once.
 */
final class Retry {

    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));

    private Retry() {
    }

    static <T> T until(String what, Supplier<T> attempt) throws InterruptedException {
        TroubleLog trouble = new TroubleLog(
                problem -> Console.info("waiting for " + what + ": " + problem + " (retrying until it answers; Ctrl-C to give up)"),
                () -> Console.info("connected: " + what), Duration.ofDays(1)); // one waiting line, whatever the errors
        for (int attempts = 0; ; attempts++) {
            try {
                T result = attempt.get();
                trouble.recovered();
                return result;
            } catch (AccessRefusedException e) {
                throw e;
            } catch (RuntimeException e) {
                trouble.problem(String.valueOf(e.getMessage()));
                Thread.sleep(BACKOFF.delayMillis(attempts));
            }
        }
    }
}
