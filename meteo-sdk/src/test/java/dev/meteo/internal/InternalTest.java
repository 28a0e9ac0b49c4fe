package dev.meteo.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InternalTest {

    @Test
    void aLastingProblemIsReportedWhenItStartsAndWhenItEnds() {
        List<String> said = new ArrayList<>();
        TroubleLog log = new TroubleLog(problem -> said.add("problem: " + problem), () -> said.add("recovered"),
                Duration.ofHours(1));
        log.recovered();
        log.problem("Redis down");
        log.problem("Redis down");
        log.problem("Redis still down"); // changed, but within the quiet period
        assertTrue(log.inTrouble());
        log.recovered();
        log.recovered();
        log.problem("broker down");
        assertEquals(List.of("problem: Redis down", "recovered", "problem: broker down"), said);
    }

    @Test
    void aChangedProblemIsReportedAgainOnceTheQuietPeriodIsOver() {
        List<String> said = new ArrayList<>();
        TroubleLog log = new TroubleLog(said::add, () -> said.add("recovered"), Duration.ZERO);
        log.problem("a");
        log.problem("a");
        log.problem("b");
        assertEquals(List.of("a", "b"), said);
    }

    @Test
    void backoffGrowsExponentiallyWithJitterUpToItsMaximum() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        for (int i = 0; i < 200; i++) {
            long first = backoff.delayMillis(0);
            assertTrue(first >= 50 && first <= 100, "first " + first);
            long third = backoff.delayMillis(2);
            assertTrue(third >= 200 && third <= 400, "third " + third);
            long late = backoff.delayMillis(40);
            assertTrue(late >= 500 && late <= 1000, "late " + late);
        }
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }

    @Test
    void threadsAreDaemonsNamedAfterTheirOwner() throws InterruptedException {
        DaemonThreadFactory factory = new DaemonThreadFactory("owner");
        Thread first = factory.newThread(() -> { });
        Thread second = factory.newThread(() -> { });
        assertEquals("owner", first.getName());
        assertEquals("owner-2", second.getName());
        assertTrue(first.isDaemon() && second.isDaemon());
        Thread started = DaemonThreadFactory.start("once", () -> { });
        started.join();
        assertFalse(started.isAlive());
    }
}
