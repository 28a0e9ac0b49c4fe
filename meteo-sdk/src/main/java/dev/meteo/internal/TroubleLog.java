package dev.meteo.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Says when a lasting problem starts and when it ends, not at every retry: a loop that retries calls
 * {@link #problem(String)} on each failure and {@link #recovered()} on each success. A problem is reported when it
 * starts, and again when it changes (another description) but at most once per quiet period; its end is reported
 * once. Thread-safe.
 */
public final class TroubleLog {

    /** The default shortest time between two reports of a problem that keeps changing. */
    public static final Duration QUIET_PERIOD = Duration.ofSeconds(10);

    private final Consumer<String> onProblem;
    private final Runnable onRecovery;
    private final long quietNanos;
    private String reported;
    private long reportedAtNanos;

    /**
     * @param onProblem  receives the description of a problem that started or changed
     * @param onRecovery runs once when a reported problem ends
     */
    public TroubleLog(Consumer<String> onProblem, Runnable onRecovery, Duration quietPeriod) {
        this.onProblem = Objects.requireNonNull(onProblem, "onProblem");
        this.onRecovery = Objects.requireNonNull(onRecovery, "onRecovery");
        this.quietNanos = quietPeriod.toNanos();
    }

    /** Problems logged as WARNING "{@code subject}: problem (retrying)", the end as INFO "{@code subject} recovered". */
    public static TroubleLog of(Logger logger, String subject) {
        return new TroubleLog(problem -> logger.warning(subject + ": " + problem + " (retrying)"),
                () -> logger.info(subject + " recovered"), QUIET_PERIOD);
    }

    public synchronized void problem(String description) {
        long now = System.nanoTime();
        if (reported == null || (!reported.equals(description) && now - reportedAtNanos >= quietNanos)) {
            onProblem.accept(description);
            reported = description;
            reportedAtNanos = now;
        }
    }

    public synchronized void recovered() {
        if (reported != null) {
            reported = null;
            onRecovery.run();
        }
    }

    /** Whether a reported problem has not ended yet. */
    public synchronized boolean inTrouble() {
        return reported != null;
    }
}
