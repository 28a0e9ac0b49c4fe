package dev.meteo.sensor;

import dev.meteo.metrics.Measurement;
import dev.meteo.metrics.Measured;
import dev.meteo.internal.DaemonThreadFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Many independent sensors in one process, as a real deployment has them: each keeps its own id, sequence numbers,
 * in-flight bound and schedule, but they share one scheduler thread and one {@link RecordPublisher} (one connection;
 * one that batches their records, {@code Transport.openFleetPublisher}: batched calls in direct mode, batch messages
 * in indirect mode). Sensor {@code i} of
 * {@code n} takes its first reading {@code i/n} of its interval after the start, so the fleet's readings are spread
 * evenly over the interval instead of firing together.
 *
 * <p>Each sensor takes a reading every interval (fixed rate); a reading due while the sensor's in-flight buffer is full
 * is skipped and counted, as for a lone {@link Sensor}. A fleet needs intervals above 0: for a sensor that sends as
 * fast as it can, use a {@link Sensor} and its own thread.
 */
public final class SensorFleet implements AutoCloseable, Measured {

    private static final Logger LOG = Logger.getLogger(SensorFleet.class.getName());
    /** How long {@link #close()} waits, for the whole fleet, until the records in flight are confirmed or failed. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final List<Sensor> sensors;
    private final ScheduledThreadPoolExecutor scheduler;
    private boolean started;

    /**
     * A fleet of sensors with these settings (ids unique) publishing through {@code publisher}, which the caller
     * owns and closes after the fleet.
     *
     * @throws IllegalArgumentException for an empty list, a repeated id or an interval of 0
     */
    public SensorFleet(List<SensorSettings> settings, RecordPublisher publisher, Clock clock) {
        Objects.requireNonNull(publisher, "publisher");
        Objects.requireNonNull(clock, "clock");
        if (settings.isEmpty()) {
            throw new IllegalArgumentException("a fleet needs at least one sensor");
        }
        Set<String> ids = new HashSet<>();
        List<Sensor> built = new ArrayList<>(settings.size());
        for (SensorSettings sensor : settings) {
            if (!ids.add(sensor.id())) {
                throw new IllegalArgumentException("two sensors of the fleet have the id " + sensor.id());
            }
            if (sensor.interval().isZero()) {
                throw new IllegalArgumentException("sensor " + sensor.id() + ": a fleet schedules its sensors, give "
                        + "them an interval above 0 (a sensor at full speed runs alone, on its own thread)");
            }
            built.add(new Sensor(sensor, publisher, clock));
        }
        this.sensors = List.copyOf(built);
        this.scheduler = new ScheduledThreadPoolExecutor(1, new DaemonThreadFactory("sensor-fleet"));
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /**
     * Settings of {@code count} sensors like {@code template}, with ids {@code <template id>-1} to
     * {@code <template id>-<count>} and, when the template has a seed, seeds {@code seed + 1} to {@code seed + count}.
     */
    public static List<SensorSettings> numbered(SensorSettings template, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1: " + count);
        }
        List<SensorSettings> out = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            SensorSettings sensor = new SensorSettings(template.id() + "-" + i, template.type(), template.interval(),
                    template.maxInFlight(), template.seed() == null ? null : template.seed() + i);
            out.add(sensor);
        }
        return out;
    }

    /** Starts every sensor's schedule, spread over its interval. */
    public synchronized SensorFleet start() {
        if (started) {
            throw new IllegalStateException("fleet already started");
        }
        started = true;
        int count = sensors.size();
        for (int i = 0; i < count; i++) {
            Sensor sensor = sensors.get(i);
            long intervalNanos = sensor.settings().interval().toNanos();
            long offsetNanos = intervalNanos / count * i;
            scheduler.scheduleAtFixedRate(() -> emit(sensor), offsetNanos, intervalNanos, TimeUnit.NANOSECONDS);
        }
        return this;
    }

    private static void emit(Sensor sensor) {
        try {
            sensor.emitScheduled();
        } catch (RuntimeException e) {
            // a periodic task that throws is never run again: log and keep the sensor on schedule
            LOG.log(Level.WARNING, "sensor " + sensor.settings().id() + ": reading failed", e);
        }
    }

    /** The fleet's sensors, in the order of their settings. */
    public List<Sensor> sensors() {
        return sensors;
    }

    /** The fleet's totals, as one sensor's ({@link Sensor#measurements(Sensor.Stats)}). */
    @Override
    public List<Measurement> measurements() {
        return Sensor.measurements(stats());
    }

    /** The sum of every sensor's counters. */
    public Sensor.Stats stats() {
        long sent = 0;
        long confirmed = 0;
        long failed = 0;
        long skipped = 0;
        for (Sensor sensor : sensors) {
            Sensor.Stats stats = sensor.stats();
            sent += stats.sent();
            confirmed += stats.confirmed();
            failed += stats.failed();
            skipped += stats.skipped();
        }
        return new Sensor.Stats(sent, confirmed, failed, skipped);
    }

    /**
     * Stops taking readings and waits (bounded, for the whole fleet) until every record handed to the publisher is
     * confirmed or failed, so the counters are final. Does not close the publisher.
     */
    @Override
    public void close() throws InterruptedException {
        scheduler.shutdownNow();
        scheduler.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        int unconfirmed = 0;
        for (Sensor sensor : sensors) {
            if (!sensor.awaitConfirmations(TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))) {
                unconfirmed++;
            }
        }
        if (unconfirmed > 0) {
            LOG.warning("sensor fleet: " + unconfirmed + " of " + sensors.size() + " sensors still had "
                    + stats().inFlight() + " records unconfirmed at close");
        }
    }
}
