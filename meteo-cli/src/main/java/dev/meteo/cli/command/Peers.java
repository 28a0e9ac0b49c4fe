package dev.meteo.cli.command;

import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;

/** Opening what a role needs before it can start, waiting (and saying so) until it answers. */
final class Peers {

    private Peers() {
    }

    /** Opens the store, waiting until Redis answers. */
    static RedisMeteoStore openStore(RedisSettings settings) throws InterruptedException {
        RedisMeteoStore store = new RedisMeteoStore(settings);
        try {
            Retry.until("Redis at " + settings.redactedUri(), () -> {
                store.ping();
                return null;
            });
        } catch (InterruptedException | RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }
}
