package dev.meteo.store;

/** The store could not be reached or answered with an error; the operation may be retried. */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
