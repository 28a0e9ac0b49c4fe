package dev.meteo.bench;

/** Paces the bench's one-second samples on whole seconds from its start, so a slow sample does not shift the rest. */
final class Ticker {

    private final long startNanos = System.nanoTime();
    private long seconds;

    void awaitSecond() throws InterruptedException {
        seconds++;
        long wait = startNanos + seconds * 1_000_000_000L - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
