package dev.meteo.cli.metrics;

import dev.meteo.model.Coefficient;
import dev.meteo.model.RecordId;
import dev.meteo.store.CoefficientStore;
import dev.meteo.store.StoreOutcome;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A compute server's {@link CoefficientStore}, timed: how long each batch takes to store (one pipelined round trip),
 * how many coefficients a batch holds, and for every coefficient stored in its window the latency from its detection
 * (the sensor's clock) to stored (this server's clock; in the demo both are the machine's wall clock).
 */
public final class MeteredStore implements CoefficientStore {

    private final CoefficientStore delegate;
    private final Clock clock;
    private final Timer batchDuration;
    private final DistributionSummary batchSize;
    private final Timer recordLatency;

    public MeteredStore(CoefficientStore delegate, Clock clock, MeterRegistry registry) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.batchDuration = Timer.builder("meteo.store.batch.duration")
                .description("time to store one batch of coefficients in Redis (one pipelined round trip)")
                .serviceLevelObjectives(RoleMetrics.LATENCY_BUCKETS).register(registry);
        this.batchSize = DistributionSummary.builder("meteo.store.batch.size").baseUnit("coefficients")
                .description("coefficients stored in one batch").register(registry);
        this.recordLatency = Timer.builder("meteo.record.latency")
                .description("end to end: a record's detection at the sensor -> its coefficient stored in its window")
                .serviceLevelObjectives(RoleMetrics.LATENCY_BUCKETS).register(registry);
    }

    @Override
    public List<StoreOutcome> storeAll(List<Coefficient> coefficients) {
        long started = System.nanoTime();
        List<StoreOutcome> outcomes = delegate.storeAll(coefficients);
        batchDuration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        batchSize.record(coefficients.size());
        long now = clock.millis();
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i) == StoreOutcome.STORED) {
                recordLatency.record(Math.max(0, now - coefficients.get(i).detectedAt().toEpochMilli()),
                        TimeUnit.MILLISECONDS);
            }
        }
        return outcomes;
    }

    @Override
    public boolean recordRejected(RecordId recordId, String reason) {
        return delegate.recordRejected(recordId, reason);
    }

    /** Does not close the delegate: the server closes its store itself. */
    @Override
    public void close() {
    }
}
