package dev.meteo.redis;

import dev.meteo.testing.RedisProcess;
import dev.meteo.testing.SecuredRedis;
import dev.meteo.testing.StoreContractTest;
import dev.meteo.testing.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The store contract over TLS, as an ACL user with a password: a Redis deployed across hosts (of the test's own). */
class SecuredRedisStoreContractTest extends StoreContractTest {

    @TempDir
    static Path dir;

    private static SecuredRedis redis;

    @BeforeAll
    static void startRedis() {
        assumeTrue(RedisProcess.available(), "needs redis-server on the PATH for a Redis with a TLS port");
        redis = SecuredRedis.start(dir, TestCertificates.authority(dir, "meteo"));
    }

    @AfterAll
    static void stopRedis() throws InterruptedException {
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    protected Stores createStores() {
        RedisMeteoStore store = redis.freshStore();
        return new Stores(store, store, () -> {
            store.deleteAll();
            store.close();
        });
    }
}
