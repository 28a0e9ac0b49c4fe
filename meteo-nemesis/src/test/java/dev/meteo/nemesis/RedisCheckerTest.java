package dev.meteo.nemesis;

import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.store.CoefficientStore;
import dev.meteo.store.WindowStore;
import dev.meteo.testing.RedisTestSupport;

/** The checker reading the real Redis (127.0.0.1:6379), under a key prefix of its own. */
class RedisCheckerTest extends CheckerTest {

    @Override
    @SuppressWarnings("unchecked")
    <S extends WindowStore & CoefficientStore> S openStore() {
        return (S) RedisTestSupport.freshStore();
    }

    @Override
    void cleanUp(WindowStore store) {
        ((RedisMeteoStore) store).deleteAll();
    }
}
