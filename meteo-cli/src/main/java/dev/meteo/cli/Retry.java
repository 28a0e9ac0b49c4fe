package dev.meteo.cli;

import java.time.Duration;
import java.util.function.Supplier;

/** Keeps trying to reach a peer, saying once what it is waiting for and when it got it. */
final class Retry {

    private Retry() {
    }

    static <T> T until(String what, Supplier<T> attempt) throws InterruptedException {
        Duration pause = Duration.ofMillis(200);
        String lastProblem = null;
        while (true) {
            try {
                T result = attempt.get();
                if (lastProblem != null) {
                    Console.info("connected: " + what);
                }
                return result;
            } catch (RuntimeException e) {
                String problem = e.getMessage();
                if (lastProblem == null) {
                    Console.info("waiting for " + what + ": " + problem + " (retrying until it answers; Ctrl-C to give up)");
                }
                lastProblem = String.valueOf(problem);
                Thread.sleep(pause.toMillis());
                pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : pause.multipliedBy(2);
            }
        }
    }
}
