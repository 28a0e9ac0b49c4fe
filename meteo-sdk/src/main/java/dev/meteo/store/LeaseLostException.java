package dev.meteo.store;

/** The proxy lease is held by another aggregator: this one must stop emitting and become a standby. */
public final class LeaseLostException extends RuntimeException {
    public LeaseLostException(String message) {
        super(message);
    }
}
