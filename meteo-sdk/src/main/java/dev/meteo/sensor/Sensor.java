package dev.meteo.sensor;

import java.util.List;
import dev.meteo.metrics.Measurement;
import dev.meteo.metrics.Measured;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.formula.MeteoDataDetector;
import dev.meteo.model.RawMeteoData;
import dev.meteo.model.RawPollutionData;
import dev.meteo.model.SensorRecord;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A sensor: every {@code interval} it takes a reading with its {@link MeteoDataDetector}, stamps it with the clock's
 * time and the next sequence number, and hands it to a {@link RecordPublisher}. At most {@code maxInFlight} records
 * wait for confirmation; a reading due while that buffer is full is skipped, not queued.
 *
 * <p>Sequence numbers start at the start time in epoch milliseconds times 1000, so a sensor restarted with the same
 * id never reuses the identity of an earlier record (stores deduplicate by identity).
 */
public final class Sensor implements AutoCloseable, Measured {

    private static final Logger LOG = Logger.getLogger(Sensor.class.getName());
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /** Counters of a sensor; {@code sent} records are those generated and handed to the publisher. */
    public record Stats(long sent, long confirmed, long failed, long skipped) {
        public long inFlight() {
            return sent - confirmed - failed;
        }
    }

    private final SensorSettings settings;
    private final RecordPublisher publisher;
    private final Clock clock;
    private final MeteoDataDetector detector;
    private final Semaphore inFlight;
    private final AtomicLong nextSequence;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong confirmed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private volatile Thread emitter;
    private volatile boolean running;

    public Sensor(SensorSettings settings, RecordPublisher publisher, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.detector = new MeteoDataDetector(settings.seed() == null ? new SplittableRandom() : new SplittableRandom(settings.seed()));
        this.inFlight = new Semaphore(settings.maxInFlight());
        this.nextSequence = new AtomicLong(clock.millis() * 1000);
    }

    public SensorSettings settings() {
        return settings;
    }

    /** Takes one reading now and returns the record, without publishing it. */
    public synchronized SensorRecord read() {
        Instant now = Instant.ofEpochMilli(clock.millis());
        long sequence = nextSequence.getAndIncrement();
        if (settings.type() == SensorType.AIR) {
            MeteoDataDetector.AirReading reading = detector.analyzeAir();
            return new RawMeteoData(settings.id(), sequence, now, reading.temperature(), reading.humidity());
        }
        return new RawPollutionData(settings.id(), sequence, now, detector.analyzePollution());
    }

    /**
     * Takes a reading and publishes it, waiting for room in the in-flight buffer. The future completes when the
     * transport confirms the record.
     */
    public CompletableFuture<Void> emit() throws InterruptedException {
        inFlight.acquire();
        return publishHoldingPermit(read());
    }

    /** Publishes a record built elsewhere (a custom reading), counted like the sensor's own. */
    public CompletableFuture<Void> emit(SensorRecord record) throws InterruptedException {
        inFlight.acquire();
        return publishHoldingPermit(record);
    }

    private CompletableFuture<Void> publishHoldingPermit(SensorRecord record) {
        sent.incrementAndGet();
        CompletableFuture<Void> delivery;
        try {
            delivery = publisher.publish(record);
        } catch (RuntimeException e) {
            delivery = CompletableFuture.failedFuture(e);
        }
        return delivery.whenComplete((ignored, error) -> {
            // count before releasing the permit: close() returns once it holds every permit, and its
            // promise is that the counters are final by then
            if (error == null) {
                confirmed.incrementAndGet();
            } else {
                failed.incrementAndGet();
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                LOG.warning("sensor " + settings.id() + ": record " + record.id() + " not delivered: " + cause.getMessage());
            }
            inFlight.release();
        });
    }

    /** Starts emitting on a background thread, one reading per interval (fixed rate), until {@link #close()}. */
    public synchronized Sensor start() {
        if (emitter != null) {
            throw new IllegalStateException("sensor " + settings.id() + " already started");
        }
        running = true;
        emitter = DaemonThreadFactory.start("sensor-" + settings.id(), this::emitLoop);
        return this;
    }

    /**
     * One scheduled reading: published when the in-flight bound allows, else skipped (never generated) and counted.
     * For whoever schedules this sensor: its own thread ({@link #start()}) or a {@link SensorFleet}'s.
     */
    void emitScheduled() {
        if (inFlight.tryAcquire()) {
            publishHoldingPermit(read());
        } else {
            skipped.incrementAndGet();
        }
    }

    private void emitLoop() {
        long intervalNanos = settings.interval().toNanos();
        long next = System.nanoTime();
        while (running) {
            try {
                if (intervalNanos == 0) {
                    emit();
                    continue;
                }
                emitScheduled();
                next += intervalNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                } else {
                    next = System.nanoTime(); // fell behind: do not burst to catch up
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "sensor " + settings.id() + ": reading failed", e);
            }
        }
    }

    public Stats stats() {
        return new Stats(sent.get(), confirmed.get(), failed.get(), skipped.get());
    }

    /**
     * The counters as {@link Measured} reports them, under the names every rendering uses (the status line and file,
     * {@code /metrics}): {@code meteo.sensor.records.sent}, {@code .confirmed}, {@code .failed}, {@code .skipped},
     * {@code .in.flight}.
     */
    public static List<Measurement> measurements(Stats stats) {
        return List.of(
                Measurement.counter("meteo.sensor.records.sent", "records generated and handed to the transport", stats.sent()),
                Measurement.counter("meteo.sensor.records.confirmed",
                        "records the transport confirmed (stored, or broker-confirmed)", stats.confirmed()),
                Measurement.counter("meteo.sensor.records.failed", "records the transport gave up on", stats.failed()),
                Measurement.counter("meteo.sensor.records.skipped",
                        "readings skipped because the in-flight buffer was full", stats.skipped()),
                Measurement.gauge("meteo.sensor.records.in.flight", "records sent and not yet confirmed or failed",
                        stats.inFlight()));
    }

    @Override
    public List<Measurement> measurements() {
        return measurements(stats());
    }

    /**
     * Stops emitting and waits (bounded) until every record handed to the publisher is confirmed or failed, so the
     * counters are final. Does not close the publisher: the caller owns it.
     */
    @Override
    public void close() throws InterruptedException {
        Thread thread;
        synchronized (this) {
            running = false;
            thread = emitter;
        }
        if (thread != null) {
            thread.interrupt();
            thread.join(CLOSE_TIMEOUT.toMillis());
        }
        if (!awaitConfirmations(CLOSE_TIMEOUT.toMillis())) {
            LOG.warning("sensor " + settings.id() + ": " + stats().inFlight() + " records still unconfirmed at close");
        }
    }

    /** Waits up to {@code millis} until no record is in flight; false when some still are. */
    boolean awaitConfirmations(long millis) throws InterruptedException {
        if (inFlight.tryAcquire(settings.maxInFlight(), Math.max(0, millis), TimeUnit.MILLISECONDS)) {
            inFlight.release(settings.maxInFlight());
            return true;
        }
        return false;
    }
}
