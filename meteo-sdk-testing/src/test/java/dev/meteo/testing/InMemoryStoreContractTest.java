package dev.meteo.testing;

import dev.meteo.model.Coefficient;
import dev.meteo.model.CoefficientKind;
import dev.meteo.model.RecordId;
import dev.meteo.store.SensorCounts;
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

    /**
     * The emulation of the design before identities per sensor, which the simulation uses to show it finds that
     * design's double count: the trim forgets stored identities detected before its cutoff, and late ones classified
     * before it, so their copies are counted again.
     */
    @Test
    void theEmulatedPreviousDesignForgetsIdentitiesAtTheTrimAndCountsACopyAgain() {
        MutableClock clock = MutableClock.at(T0 + 100);
        InMemoryStore store = InMemoryStore.forgettingIdentitiesAtTrim(clock);
        store.initialiseHorizon(T0, 10, 0, Long.MIN_VALUE);
        assertEquals(List.of(StoreOutcome.STORED), store.storeAll(List.of(wellness(1))));
        assertTrue(store.acquireLease("proxy", Duration.ofMinutes(1)));
        assertEquals(WindowStore.CloseOutcome.CLOSED, store.closeWindow("proxy", T0, T0 + 10, T0 + 10));
        assertEquals(List.of(StoreOutcome.DUPLICATE), store.storeAll(List.of(wellness(1))), "kept until the trim");

        store.trim(T0 + 10, T0, Duration.ofMinutes(1), Duration.ofDays(1));
        assertEquals(List.of(StoreOutcome.LATE), store.storeAll(List.of(wellness(1))), "forgotten: counted again");
        clock.advance(Duration.ofMillis(1));
        store.trim(clock.millis(), T0, Duration.ofMinutes(1), Duration.ofDays(1));
        assertEquals(List.of(StoreOutcome.LATE), store.storeAll(List.of(wellness(1))), "late, forgotten: late again");
        assertEquals(new SensorCounts(1, 2, 0), store.sensorCounts().get("s"));

        InMemoryStore today = new InMemoryStore(clock);
        today.initialiseHorizon(T0, 10, 0, Long.MIN_VALUE);
        today.storeAll(List.of(wellness(1)));
        today.trim(clock.millis(), T0, Duration.ofMinutes(1), Duration.ofDays(1));
        assertEquals(List.of(StoreOutcome.DUPLICATE), today.storeAll(List.of(wellness(1))), "the store as it is");
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
