package dev.meteo.cli.instrument;

import dev.meteo.model.Coefficient;
import dev.meteo.model.RecordId;
import dev.meteo.store.CoefficientStore;
import dev.meteo.store.StoreOutcome;

import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * A {@link CoefficientStore} decorator for the bench: once a batch is stored, records each stored coefficient's
 * latency from its detection (the sensor's clock) to now (the compute server's clock; both read the same machine's
 * wall clock). Duplicates and late records are not counted: they are not "stored" in a window.
 */
public final class LatencyRecordingStore implements CoefficientStore {

    private final CoefficientStore delegate;
    private final Clock clock;
    private final LatencyRecorder recorder = new LatencyRecorder();

    public LatencyRecordingStore(CoefficientStore delegate, Clock clock) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Cumulative since start. */
    public LatencyRecorder recorder() {
        return recorder;
    }

    @Override
    public List<StoreOutcome> storeAll(List<Coefficient> coefficients) {
        List<StoreOutcome> outcomes = delegate.storeAll(coefficients);
        long nowMicros = clock.millis() * 1000;
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i) == StoreOutcome.STORED) {
                recorder.record(nowMicros - coefficients.get(i).detectedAt().toEpochMilli() * 1000);
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
