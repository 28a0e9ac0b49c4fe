package dev.meteo.store;

import dev.meteo.model.CoefficientKind;
import dev.meteo.model.KindStatistics;

import java.util.List;

/**
 * Port: what the proxy's {@link dev.meteo.window.WindowAggregator} needs from the store. Times are epoch
 * milliseconds. The <em>closed horizon</em> is the end of the last closed window: a coefficient detected before it
 * is late. Closing a window moves the horizon atomically with respect to stores, which is what makes every record
 * land in exactly one window or be counted late.
 */
public interface WindowStore extends AutoCloseable {

    /**
     * Takes or renews the proxy lease for {@code owner} until {@code expiresAtMillis}; succeeds when the lease is
     * free, expired at {@code nowMillis}, or already {@code owner}'s.
     */
    boolean acquireLease(String owner, long nowMillis, long expiresAtMillis);

    /** Gives the lease up if {@code owner} holds it, so a standby takes over at once. */
    void releaseLease(String owner);

    /**
     * The first aggregator of a deployment starts the horizons, atomically and only if they do not exist yet, at
     * {@code horizonMillis}, or earlier if coefficients detected before it are already stored (sensors that started
     * before the proxy): then at the start of the window of the earliest one (windows aligned to
     * {@code windowSizeMillis}), so that those records are emitted rather than orphaned. Returns the closed horizon.
     */
    long initialiseHorizon(long horizonMillis, long windowSizeMillis);

    /** The end of the last closed window, or {@code Long.MIN_VALUE} before {@link #initialiseHorizon}. */
    long closedHorizon();

    /** The end of the last window whose result was handed to the publisher. */
    long publishedHorizon();

    /**
     * Closes {@code [start, end)}: atomically checks that {@code owner} holds the lease and that the closed horizon
     * is {@code start}, and moves it to {@code end}. From then on the window's contents never change.
     *
     * @throws LeaseLostException when another owner holds the lease
     * @throws IllegalStateException when the horizon is not {@code start} (another aggregator moved it)
     */
    void closeWindow(String owner, long start, long end);

    /** The coefficients of one kind detected in {@code [start, end)}. */
    List<KindStatistics.Sample> readWindow(CoefficientKind kind, long start, long end);

    void markPublished(long end);

    /** Records stored after their window closed, over the store's lifetime. */
    long lateCount();

    /** Records rejected as invalid, over the store's lifetime. */
    long rejectedCount();

    /** Deletes stored coefficients detected before {@code horizonMillis} (retention). */
    void trimBefore(long horizonMillis);

    @Override
    void close();
}
