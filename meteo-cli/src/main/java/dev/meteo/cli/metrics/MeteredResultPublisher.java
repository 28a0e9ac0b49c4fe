package dev.meteo.cli.metrics;

import dev.meteo.model.WindowResult;
import dev.meteo.window.WindowResultPublisher;
import dev.meteo.window.WindowSpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The proxy's {@link WindowResultPublisher}, timed: for each window handed over, the delay from the moment it could
 * close (its end + grace) to the moment the publisher returned (every terminal called, or the broker confirmed). A
 * window published again after a failure counts once, when it went out.
 */
public final class MeteredResultPublisher implements WindowResultPublisher {

    private final WindowResultPublisher delegate;
    private final WindowSpec window;
    private final Clock clock;
    private final Timer closeToPublished;

    public MeteredResultPublisher(WindowResultPublisher delegate, WindowSpec window, Clock clock, MeterRegistry registry) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.window = Objects.requireNonNull(window, "window");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.closeToPublished = Timer.builder("meteo.proxy.close.to.publish")
                .description("a window's close time (end + grace) -> its result handed to every terminal or the broker")
                .serviceLevelObjectives(RoleMetrics.LATENCY_BUCKETS).register(registry);
    }

    @Override
    public void publish(WindowResult result) throws InterruptedException {
        delegate.publish(result);
        long closedAt = window.closeTime(result.end().toEpochMilli());
        closeToPublished.record(Math.max(0, clock.millis() - closedAt), TimeUnit.MILLISECONDS);
    }

    /** Closes the publisher it decorates. */
    @Override
    public void close() {
        delegate.close();
    }
}
