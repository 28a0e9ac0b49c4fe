package dev.meteo.cli.instrument;

import dev.meteo.model.WindowResult;
import dev.meteo.terminal.TerminalSink;

import java.time.Clock;
import java.util.Objects;

/**
 * A terminal sink for the bench: records how long after its window could close (end + grace) each result arrived, in
 * microseconds, on the terminal's clock (the proxy's runs on the same machine). Recorded net of the grace, not
 * subtracted later, so the histogram's relative resolution (0.1 %) applies to the delay itself.
 */
public final class WindowDelaySink implements TerminalSink {

    private final Clock clock;
    private final long graceMillis;
    private final LatencyRecorder recorder = new LatencyRecorder();

    public WindowDelaySink(Clock clock, java.time.Duration grace) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.graceMillis = grace.toMillis();
    }

    /** Cumulative since start. */
    public LatencyRecorder recorder() {
        return recorder;
    }

    @Override
    public void accept(WindowResult result) {
        recorder.record((clock.millis() - result.end().toEpochMilli() - graceMillis) * 1000);
    }
}
