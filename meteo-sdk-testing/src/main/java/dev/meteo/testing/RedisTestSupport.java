package dev.meteo.testing;

import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;

import java.util.UUID;

/** The real Redis on 127.0.0.1:6379 (or {@code METEO_TEST_REDIS_URI}), with a key prefix unique to one test. */
public final class RedisTestSupport {

    private RedisTestSupport() {
    }

    public static String redisUri() {
        String fromEnv = System.getenv("METEO_TEST_REDIS_URI");
        return fromEnv == null || fromEnv.isBlank() ? RedisSettings.DEFAULT_URI : fromEnv;
    }

    /** A store whose keys live under a fresh {@code meteo-test:<uuid>:} prefix; {@link RedisMeteoStore#deleteAll()} cleans up. */
    public static RedisMeteoStore freshStore() {
        RedisMeteoStore store = new RedisMeteoStore(RedisSettings.of(redisUri(), "meteo-test:" + UUID.randomUUID() + ":"));
        store.ping();
        return store;
    }
}
