package dev.meteo.store;

/** Another aggregator closed the window first (the closed horizon is not where this one expected it). */
public final class HorizonMovedException extends RuntimeException {
    public HorizonMovedException(String message) {
        super(message);
    }
}
