package dev.meteo.terminal;

import dev.meteo.testing.RedisTestSupport;
import dev.meteo.model.Accounting;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.WindowResult;
import dev.meteo.redis.RedisMeteoStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordingSinkTest {

    private static final long T0 = 1_750_000_000_000L;

    private final RedisMeteoStore store = RedisTestSupport.freshStore();
    private final RecordingSink sink = new RecordingSink();

    @AfterEach
    void cleanUp() {
        store.deleteAll();
        store.close();
    }

    private static WindowResult window(long start, long records) {
        KindStatistics statistics = records == 0 ? KindStatistics.EMPTY
                : new KindStatistics(records, 0.5, 0.1, 0.4, 0.6, Instant.ofEpochMilli(start + 1));
        return new WindowResult(Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + 1_000), statistics,
                KindStatistics.EMPTY, 0);
    }

    @Test
    void aWindowArrivingWhileWaitingSettlesTheAccounting() throws Exception {
        sink.accept(window(T0, 3));
        Thread deliverer = new Thread(() -> sink.accept(window(T0 + 1_000, 2)));
        deliverer.start();
        Accounting accounting = sink.awaitAccounted(5, T0 + 1_500, store, Duration.ofSeconds(10));
        deliverer.join();
        assertTrue(accounting.holds(), accounting::toString);
        assertEquals(5, accounting.inWindows());
        assertEquals(0, accounting.stillOpen());
    }

    @Test
    void recordsMissingOnceTheirWindowsClosedBreakTheIdentity() throws Exception {
        sink.accept(window(T0, 3));
        Accounting accounting = sink.awaitAccounted(4, T0 + 500, store, Duration.ofMillis(300));
        assertFalse(accounting.holds(), "one record is nowhere, and must not pass as still open: " + accounting);
        assertEquals(0, accounting.stillOpen());
    }

    @Test
    void recordsWhoseWindowHasNotClosedByTheTimeoutAreStillOpen() throws Exception {
        sink.accept(window(T0, 3));
        Accounting accounting = sink.awaitAccounted(5, T0 + 1_500, store, Duration.ofMillis(300));
        assertEquals(2, accounting.stillOpen());
        assertTrue(accounting.holds(), accounting::toString);
    }
}
