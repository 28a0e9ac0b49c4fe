package dev.meteo.cli.command;

import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.sensor.Sensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives a sensor at full speed (bounded by its in-flight limit) while a gate file reads {@code open}, and holds it
 * while it reads anything else. The bench opens and closes the gate from the depth of RabbitMQ's work queue: the
 * broker confirms a record once persisted, not once processed, so without it a sensor at full speed fills the queue
 * faster than the servers drain it and the pipeline never reaches a steady state.
 */
public final class GatedEmitter implements AutoCloseable {

    private static final long POLL_NANOS = 10_000_000;

    private final Sensor sensor;
    private final Path gate;
    private volatile boolean open;
    private volatile boolean running = true;
    private final Thread emitter;
    private final Thread watcher;

    private GatedEmitter(Sensor sensor, Path gate) {
        this.sensor = sensor;
        this.gate = gate;
        this.emitter = new DaemonThreadFactory("sensor-gated-emitter").newThread(this::emit);
        this.watcher = new DaemonThreadFactory("sensor-gate-watcher").newThread(this::watch);
    }

    public static GatedEmitter start(Sensor sensor, Path gate) {
        GatedEmitter gated = new GatedEmitter(sensor, gate);
        gated.open = gated.readGate();
        gated.watcher.start();
        gated.emitter.start();
        return gated;
    }

    private boolean readGate() {
        try {
            return Files.readString(gate).trim().equals("open");
        } catch (IOException e) {
            return false;
        }
    }

    private void watch() {
        while (running) {
            open = readGate();
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private void emit() {
        try {
            while (running) {
                if (open) {
                    sensor.emit();
                } else {
                    LockSupport.parkNanos(1_000_000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops emitting; the sensor's own close then waits for what is in flight. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        emitter.interrupt();
        emitter.join(10_000);
        watcher.join(1_000);
    }

    /** Writes the gate atomically. */
    public static void write(Path gate, boolean open) throws IOException {
        Path temporary = gate.resolveSibling(gate.getFileName() + ".tmp");
        Files.writeString(temporary, open ? "open\n" : "closed\n");
        Files.move(temporary, gate, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
