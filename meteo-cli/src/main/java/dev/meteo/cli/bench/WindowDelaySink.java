package dev.meteo.cli.bench;

import dev.meteo.model.WindowResult;
import dev.meteo.terminal.TerminalSink;

import java.time.Clock;
import java.util.Objects;

/**
 * A terminal sink for the bench: records how long after its window's end each result arrived, in microseconds. The
 * bench subtracts the grace (which the terminal does not know) to get window close -> result at the terminal.
 */
public final class WindowDelaySink implements TerminalSink {

    private final Clock clock;
    private final LatencyHistogram histogram = new LatencyHistogram();

    public WindowDelaySink(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Cumulative since start. */
    public LatencyHistogram histogram() {
        return histogram;
    }

    @Override
    public void accept(WindowResult result) {
        histogram.record((clock.millis() - result.end().toEpochMilli()) * 1000);
    }
}
