package dev.meteo.redis;

import dev.meteo.testing.RedisTestSupport;
import dev.meteo.testing.StoreContractTest;

/** The Redis store holds to the store contract, on the real Redis of this machine under a fresh key prefix. */
class RedisStoreContractTest extends StoreContractTest {

    @Override
    protected Stores createStores() {
        RedisMeteoStore store = RedisTestSupport.freshStore();
        return new Stores(store, store, () -> {
            store.deleteAll();
            store.close();
        });
    }
}
