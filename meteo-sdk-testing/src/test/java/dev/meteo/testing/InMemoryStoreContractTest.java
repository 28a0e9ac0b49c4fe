package dev.meteo.testing;

import dev.meteo.model.Coefficient;
import dev.meteo.model.CoefficientKind;
import dev.meteo.model.RecordId;
import dev.meteo.store.StoreOutcome;
import dev.meteo.store.StoreUnavailableException;
import dev.meteo.store.WindowStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-memory store holds to the store contract, and fails as a simulator asks it to. */
class InMemoryStoreContractTest extends StoreContractTest {

    private static final long T0 = 1_750_000_000_000L;

    @Override
    protected Stores createStores() {
        InMemoryStore store = new InMemoryStore();
        return new Stores(store, store, () -> { });
    }

    private static Coefficient wellness(long sequence) {
        return new Coefficient(CoefficientKind.WELLNESS, new RecordId("s", sequence), Instant.ofEpochMilli(T0), 0.5);
    }

    @Test
    void fullItRefusesStoresUntouchedWhileTheProxysCallsGoOn() {
        InMemoryStore store = new InMemoryStore();
        store.initialiseHorizon(T0, 10, 0, Long.MIN_VALUE);
        store.setFull(true);
        assertThrows(StoreUnavailableException.class, () -> store.storeAll(List.of(wellness(1))));
        assertThrows(StoreUnavailableException.class, () -> store.recordRejected(new RecordId("s", 2), "bad"));
        assertTrue(store.acquireLease("proxy", Duration.ofMinutes(1)));
        assertEquals(WindowStore.CloseOutcome.CLOSED, store.closeWindow("proxy", T0, T0 + 10, T0 + 10));
        store.setFull(false);
        assertEquals(List.of(StoreOutcome.LATE), store.storeAll(List.of(wellness(1))), "nothing was half-stored");
    }

    @Test
    void unavailableItAnswersNothingAndLosingEverythingLeavesNoHorizonNorEpoch() {
        InMemoryStore store = new InMemoryStore();
        store.initialiseHorizon(T0, 10, 0, Long.MIN_VALUE);
        store.setUnavailable(true);
        assertThrows(StoreUnavailableException.class, store::closedHorizon);
        store.setUnavailable(false);
        store.loseEverything();
        assertEquals(Long.MIN_VALUE, store.closedHorizon());
        assertNull(store.epoch());
    }
}
