package dev.meteo.store;

import dev.meteo.model.WindowResult;

import java.util.List;

/**
 * Port: the results of closed windows kept for a bounded retention, so that a terminal that missed windows (it was
 * away, slow, or restarted) receives them afterwards, in order, with the same content.
 */
public interface WindowHistory {

    /** Saved results of the windows ending after {@code afterEndMillis} and at most at {@code upToEndMillis}, in order. */
    List<WindowResult> resultsBetween(long afterEndMillis, long upToEndMillis);
}
