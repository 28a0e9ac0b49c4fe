package dev.meteo.store;

import dev.meteo.model.CoefficientKind;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.WindowResult;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Port: what the proxy's {@link dev.meteo.window.WindowAggregator} needs from the store. Times are epoch
 * milliseconds. The <em>closed horizon</em> is the end of the last closed window: a coefficient detected before it
 * is late. Closing a window moves the horizon atomically with respect to stores, which is what makes every record
 * land in exactly one window or be counted late.
 *
 * <p>Time that decides between processes (lease expiry, whether a window is due) is the store's own clock, never a
 * caller's: two proxies whose clocks disagree still agree on the lease, and a proxy whose clock runs ahead cannot
 * close a window early.
 */
public interface WindowStore extends WindowHistory, AutoCloseable {

    /**
     * Takes or renews the proxy lease for {@code owner} for {@code ttl} of the store's time; succeeds when the lease
     * is free, expired, or already {@code owner}'s. Owners are unique per process (an id and a nonce).
     */
    boolean acquireLease(String owner, Duration ttl);

    /** Gives the lease up if {@code owner} holds it, so a standby takes over at once. */
    void releaseLease(String owner);

    /** Who holds the lease now, or {@code null} when nobody does (never held, released, or expired). */
    String leaseHolder();

    /**
     * The first aggregator of a deployment starts the horizons, atomically and only if they do not exist yet, at
     * {@code horizonMillis} (but never after the last window closed by the store's own clock, given
     * {@code graceMillis}: a proxy whose clock runs ahead must not make current records late), or earlier if coefficients detected before it are already stored (sensors that started
     * before the proxy): then at the start of the window of the earliest one (windows aligned to
     * {@code windowSizeMillis}), but never before {@code floorMillis}: stored coefficients older than that count as
     * late instead (an old timestamp must not make the first step emit days of windows). Also writes the deployment's
     * {@linkplain #epoch() epoch}, {@linkplain #windowSizeMillis() window size} and {@linkplain #graceMillis() grace}.
     * Returns the closed horizon. On a deployment initialised already it changes nothing and returns its horizon, except
     * that it records {@code graceMillis} when the deployment has no grace yet (its first proxy predates the grace being
     * a fact of the deployment).
     */
    long initialiseHorizon(long horizonMillis, long windowSizeMillis, long graceMillis, long floorMillis);

    /**
     * An identifier written once, when the horizons are initialised; it changes only when the store lost its data (a
     * Redis restarted without persistence). {@code null} before {@link #initialiseHorizon}.
     */
    String epoch();

    /** The end of the last closed window, or {@code Long.MIN_VALUE} before {@link #initialiseHorizon}. */
    long closedHorizon();

    /** The end of the last window whose result was handed to the publisher. */
    long publishedHorizon();

    /** What {@link #closeWindow} did. */
    enum CloseOutcome {
        /** The horizon moved to the window's end: its contents are fixed from now on. */
        CLOSED,
        /** The store's clock has not reached the window's close time yet (the caller's clock runs ahead). */
        NOT_DUE
    }

    /**
     * Closes {@code [start, end)} once the store's clock has reached {@code closeAtMillis}: atomically checks that
     * {@code owner} holds an unexpired lease and that the closed horizon is {@code start}, moves it to {@code end}, and
     * saves the window's result (its statistics per kind and the late count at that moment) in the same step, so a
     * closed window always has its result and is published, and sent again to a terminal that missed it, with the
     * content it was closed with ({@link #resultsBetween}).
     *
     * @throws LeaseLostException when another owner holds the lease or the caller's expired
     * @throws HorizonMovedException when the horizon is not {@code start} (another aggregator moved it)
     */
    CloseOutcome closeWindow(String owner, long start, long end, long closeAtMillis);

    /**
     * The statistics of one kind's coefficients stored in the window {@code [start, end)} (detected in it, not late).
     * Once the window is closed they no longer change. Implementations keep them up to date with every store, so this
     * costs the same whatever the number of records.
     *
     * @throws IllegalArgumentException when {@code [start, end)} is not one of the deployment's windows
     */
    KindStatistics windowStatistics(CoefficientKind kind, long start, long end);

    /**
     * The size of the deployment's windows in milliseconds, set by {@link #initialiseHorizon}; 0 before. Every proxy of
     * a deployment must use it: the stored statistics are per window.
     */
    long windowSizeMillis();

    /**
     * The deployment's grace in milliseconds (how long after its end a window still accepts records), set by
     * {@link #initialiseHorizon}; -1 before, and for a deployment whose first proxy did not record it. Like the window
     * size it is a fact of the deployment: every proxy must use it, and terminals and {@code meteo status} read it here
     * to know when a window is due. The default, -1, is a store that keeps no grace: proxies are then not checked.
     */
    default long graceMillis() {
        return -1;
    }

    /**
     * Moves the published horizon forward to {@code end}, fenced by the lease.
     *
     * @throws LeaseLostException when {@code owner} does not hold an unexpired lease
     */
    void markPublished(String owner, long end);

    /** Records stored after their window closed, over the store's lifetime. */
    long lateCount();

    /** Records rejected as invalid, over the store's lifetime. */
    long rejectedCount();

    /**
     * Per sensor id, how many of its records are stored in windows, late and rejected; each record identity is counted
     * once, by the classification that came first. For checks that must not let a loss and a double count cancel out.
     */
    Map<String, SensorCounts> sensorCounts();

    /**
     * Forgets what the retention no longer needs, and nothing a copy of a record could still need: the statistics of
     * windows starting before {@code windowsBeforeMillis}, the results of windows ending before
     * {@code resultsBeforeMillis}; the identities of rejected messages without a sensor (which belong to no sensor's
     * sequences) counted more than {@code sensorlessRetention} ago; and it retires the sensors idle for
     * {@code sensorIdle}: each keeps one range from its first to its last classified sequence, its holes given up
     * (the sequences below its last one never classified, which no transport can still be delivering after that
     * long). Cheap when there is nothing to do; the proxy calls it at every window close, and periodically.
     */
    void trim(long windowsBeforeMillis, long resultsBeforeMillis, Duration sensorlessRetention, Duration sensorIdle);

    @Override
    void close();
}
