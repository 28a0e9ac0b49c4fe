package dev.meteo.cli.metrics;

import dev.meteo.model.WindowResult;
import dev.meteo.terminal.TerminalSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A terminal's sink that meters what it receives: the records in its windows (the accounting's "in windows"), the
 * late count the last window carried, and each window's delay from its close time (end + the proxy's grace, when the
 * terminal is told it) to its arrival here.
 */
public final class WindowDelayMeter implements TerminalSink {

    private final Clock clock;
    private final long graceMillis;
    private final Counter records;
    private final Timer delay;
    private final AtomicLong late = new AtomicLong();

    /** @param grace the proxy's grace; {@link Duration#ZERO} when unknown (the delay is then measured from the end) */
    public WindowDelayMeter(Clock clock, Duration grace, MeterRegistry registry) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.graceMillis = grace.toMillis();
        this.records = Counter.builder("meteo.terminal.records")
                .description("records in the windows this terminal received (both kinds)").register(registry);
        this.delay = Timer.builder("meteo.terminal.window.delay")
                .description("a window's close time (end + grace) -> received by this terminal")
                .serviceLevelObjectives(RoleMeters.LATENCY_BUCKETS).register(registry);
        Gauge.builder("meteo.terminal.records.late", late, AtomicLong::get)
                .description("records stored after their window closed, in the deployment, as of the last window")
                .register(registry);
    }

    @Override
    public void accept(WindowResult result) {
        records.increment(result.recordCount());
        late.set(result.lateRecords());
        delay.record(Math.max(0, clock.millis() - result.end().toEpochMilli() - graceMillis), TimeUnit.MILLISECONDS);
    }
}
