package dev.meteo.store;

/**
 * The store lost the state it had (the horizons or the epoch vanished or changed): a Redis restarted without
 * persistence, or failed over to a replica that had not received the latest writes. Carrying on would re-open
 * windows the terminals already hold and lose the records stored meanwhile, so the aggregator stops instead.
 */
public final class StoreLostException extends RuntimeException {
    public StoreLostException(String message) {
        super(message);
    }
}
