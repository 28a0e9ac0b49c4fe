package dev.meteo.simulation;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** One role's clock: the simulation's time plus an offset the simulator sets, as a host whose clock is ahead or behind. */
final class OffsetClock extends Clock {

    private final Clock simulated;
    private long offsetMillis;

    OffsetClock(Clock simulated) {
        this.simulated = simulated;
    }

    void setOffsetMillis(long offsetMillis) {
        this.offsetMillis = offsetMillis;
    }

    long offsetMillis() {
        return offsetMillis;
    }

    @Override
    public long millis() {
        return simulated.millis() + offsetMillis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this; // time is what matters here, not the zone
    }
}
