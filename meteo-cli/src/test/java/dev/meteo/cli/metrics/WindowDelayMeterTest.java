package dev.meteo.cli.metrics;

import dev.meteo.model.KindStatistics;
import dev.meteo.model.WindowResult;
import dev.meteo.testing.MutableClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A terminal's window delay counts from each window's close, its end plus the deployment's grace as the terminal read
 * it from the store; while the grace is unknown no delay is recorded (one measured from the end would be off by the
 * grace), and the records are counted all the same.
 */
class WindowDelayMeterTest {

    private static final long END = 1_750_000_002_000L;

    private static WindowResult windowEndingAt(long endMillis) {
        return new WindowResult(Instant.ofEpochMilli(endMillis - 2_000), Instant.ofEpochMilli(endMillis),
                new KindStatistics(3, 0.5, 0.1, 0.4, 0.6, Instant.ofEpochMilli(endMillis - 1)), KindStatistics.EMPTY, 0);
    }

    @Test
    void theDelayCountsFromTheCloseWithTheDeploymentsGraceAndNotBeforeTheGraceIsKnown() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicLong grace = new AtomicLong(-1);
        MutableClock clock = MutableClock.at(END + 4_300);
        WindowDelayMeter meter = new WindowDelayMeter(clock, grace::get, registry);
        Timer delay = registry.get("meteo.terminal.window.delay").timer();

        meter.accept(windowEndingAt(END));
        assertEquals(0, delay.count(), "a delay recorded before the grace was read");

        grace.set(4_000); // the deployment's, as its first proxy wrote it
        meter.accept(windowEndingAt(END));
        assertEquals(1, delay.count());
        assertEquals(300, delay.totalTime(TimeUnit.MILLISECONDS), 0.001, "close = end + grace; received 300 ms later");
        assertEquals(6, registry.get("meteo.terminal.records").counter().count(), 0.001,
                "the records of both windows counted, the grace known or not");
    }
}
