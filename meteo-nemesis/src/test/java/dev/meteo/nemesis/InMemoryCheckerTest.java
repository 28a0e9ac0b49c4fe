package dev.meteo.nemesis;

import dev.meteo.store.CoefficientStore;
import dev.meteo.store.WindowStore;
import dev.meteo.testing.InMemoryStore;

/** The checker reading the in-memory store of meteo-sdk-testing (the deterministic simulation's). */
class InMemoryCheckerTest extends CheckerTest {

    @Override
    @SuppressWarnings("unchecked")
    <S extends WindowStore & CoefficientStore> S openStore() {
        return (S) new InMemoryStore();
    }

    @Override
    void cleanUp(WindowStore store) {
    }
}
