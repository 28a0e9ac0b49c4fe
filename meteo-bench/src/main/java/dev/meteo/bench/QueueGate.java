package dev.meteo.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.meteo.cli.command.GatedEmitter;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.topology.Topology;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admission control for rabbit at full speed: every 20 ms reads the work queue's ready messages (a passive declare)
 * and closes the sensors' gate above {@code high}, opens it below {@code high / 2}. The queue then holds a bounded
 * backlog, as a gRPC sensor's in-flight bound does in direct mode, and the latency figures describe a steady state.
 */
final class QueueGate implements AutoCloseable {

    private final Path gate;
    private final int high;
    private final Connection connection;
    private Channel channel;
    private final String queue;
    private final Thread thread;
    private final AtomicLong closings = new AtomicLong();
    private volatile boolean running = true;
    private volatile long maxDepth;

    QueueGate(RabbitSettings settings, Path gate, int high) throws Exception {
        this.gate = gate;
        this.high = high;
        this.queue = new Topology(settings).workQueue();
        this.connection = RabbitConnections.open(settings, "meteo-bench-gate");
        this.channel = connection.createChannel();
        GatedEmitter.write(gate, true);
        this.thread = DaemonThreadFactory.start("bench-queue-gate", this::run);
    }

    private void run() {
        boolean open = true;
        while (running) {
            try {
                if (!channel.isOpen()) {
                    channel = connection.createChannel(); // a 404 on the passive declare closed it
                }
                long depth = channel.queueDeclarePassive(queue).getMessageCount();
                maxDepth = Math.max(maxDepth, depth);
                if (open && depth > high) {
                    open = false;
                    closings.incrementAndGet();
                    GatedEmitter.write(gate, false);
                } else if (!open && depth < high / 2) {
                    open = true;
                    GatedEmitter.write(gate, true);
                }
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // the queue is not declared yet (no sensor or server connected): look again shortly
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    long closings() {
        return closings.get();
    }

    long maxDepth() {
        return maxDepth;
    }

    int high() {
        return high;
    }

    @Override
    public void close() throws Exception {
        running = false;
        thread.interrupt();
        thread.join(2_000);
        try {
            GatedEmitter.write(gate, true);
        } finally {
            connection.close();
        }
    }
}
