package dev.meteo.cli.metrics;

import dev.meteo.model.WindowResult;
import dev.meteo.terminal.TerminalSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A terminal's sink that meters what it receives: the records in its windows (the accounting's "in windows"), the
 * late count the last window carried, and each window's delay from its close time (end + the deployment's grace) to
 * its arrival here.
 */
public final class WindowDelayMeter implements TerminalSink {

    private final Clock clock;
    private final LongSupplier graceMillis;
    private final Counter records;
    private final Timer delay;
    private final AtomicLong late = new AtomicLong();

    /**
     * @param graceMillis the deployment's grace (as its first proxy wrote it in the store), read at each window; -1 while
     *                    unknown: no delay is recorded then, rather than one off by the grace
     */
    public WindowDelayMeter(Clock clock, LongSupplier graceMillis, MeterRegistry registry) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.graceMillis = Objects.requireNonNull(graceMillis, "graceMillis");
        this.records = Counter.builder("meteo.terminal.records")
                .description("records in the windows this terminal received (both kinds)").register(registry);
        this.delay = Timer.builder("meteo.terminal.window.delay")
                .description("a window's close time (end + grace) -> received by this terminal")
                .serviceLevelObjectives(RoleMetrics.LATENCY_BUCKETS).register(registry);
        Gauge.builder("meteo.terminal.records.late", late, AtomicLong::get)
                .description("records stored after their window closed, in the deployment, as of the last window")
                .register(registry);
    }

    @Override
    public void accept(WindowResult result) {
        records.increment(result.recordCount());
        late.set(result.lateRecords());
        long grace = graceMillis.getAsLong();
        if (grace >= 0) {
            delay.record(Math.max(0, clock.millis() - result.end().toEpochMilli() - grace), TimeUnit.MILLISECONDS);
        }
    }
}
