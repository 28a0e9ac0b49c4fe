package dev.meteo.rabbit;

import dev.meteo.compute.ComputeNode;
import dev.meteo.metrics.Measurement;
import dev.meteo.rabbit.compute.RabbitComputeServer;
import dev.meteo.rabbit.proxy.RabbitResultPublisher;
import dev.meteo.rabbit.sensor.RabbitBatchPublisher;
import dev.meteo.rabbit.sensor.RabbitBatchSettings;
import dev.meteo.rabbit.sensor.RabbitRecordPublisher;
import dev.meteo.rabbit.terminal.RabbitTerminalConsumer;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.store.WindowHistory;
import dev.meteo.terminal.Terminal;
import dev.meteo.transport.Transport;
import dev.meteo.window.WindowResultPublisher;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Indirect mode as a {@link Transport}: sensors publish to the durable work queue, compute servers compete for it,
 * the proxy publishes each window once to a fanout exchange, and every terminal consumes its own durable queue. The
 * broker balances the records, so there is no load balancer to start. A lone sensor publishes a message per record;
 * a fleet of sensors in one process publishes batches of records ({@link #openFleetPublisher}), on the same work
 * queue. Every role connects to the broker of the settings; a role whose broker cannot be reached fails to start
 * with an {@link java.io.UncheckedIOException}.
 */
public final class RabbitTransport implements Transport {

    private final RabbitSettings settings;
    private final RabbitBatchSettings fleetBatches;

    private RabbitTransport(RabbitSettings settings, RabbitBatchSettings fleetBatches) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.fleetBatches = Objects.requireNonNull(fleetBatches, "fleetBatches");
    }

    /** The mode on the broker of {@code settings}; fleets batch with {@link RabbitBatchSettings#defaults()}. */
    public static RabbitTransport of(RabbitSettings settings) {
        return new RabbitTransport(settings, RabbitBatchSettings.defaults());
    }

    /** The same mode, with fleets grouping their records into messages as {@code batches} says. */
    public RabbitTransport withFleetBatches(RabbitBatchSettings batches) {
        return new RabbitTransport(settings, batches);
    }

    public RabbitSettings settings() {
        return settings;
    }

    /** How a fleet's publisher groups records into messages. */
    public RabbitBatchSettings fleetBatches() {
        return fleetBatches;
    }

    @Override
    public String name() {
        return "rabbit";
    }

    /** The work queue balances the records over the servers that consume it: nothing to run. */
    @Override
    public Running startLoadBalancer() {
        return Running.NONE;
    }

    /** A message per record, as the assignment describes the sensors. */
    @Override
    public RecordPublisher openRecordPublisher(String sensorId) {
        return RabbitRecordPublisher.open(settings);
    }

    /**
     * Batch messages (a {@code meteo.v1.RecordBatch} each, persistent and confirmed), grouped as
     * {@link #fleetBatches()} says; each record completes when the broker confirmed its batch.
     */
    @Override
    public RecordPublisher openFleetPublisher(String fleetId) {
        return RabbitBatchPublisher.open(settings, fleetBatches);
    }

    @Override
    public Running startComputeServer(ComputeNode node) {
        RabbitComputeServer server = RabbitComputeServer.start(settings, node);
        return new Running() {
            @Override
            public String describe() {
                return "consuming " + settings.namePrefix() + ".records on " + settings.redactedUri();
            }

            @Override
            public CompletableFuture<Void> ready() {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public List<Measurement> measurements() {
                return server.measurements();
            }

            @Override
            public void close() {
                server.close();
            }

            /** The connection drops with records unacknowledged: the broker hands them to the other servers. */
            @Override
            public void kill() {
                server.abort();
            }
        };
    }

    /** Every terminal's durable queue keeps the windows it has not taken yet: the history is not needed. */
    @Override
    public WindowResultPublisher openResultPublisher(WindowHistory history) {
        return RabbitResultPublisher.open(settings);
    }

    /** Returns once the terminal's queue is declared and bound: from then on it collects every window. */
    @Override
    public Running startTerminal(Terminal terminal) {
        RabbitTerminalConsumer consumer = RabbitTerminalConsumer.start(settings, terminal);
        return new Running() {
            @Override
            public String describe() {
                return "consuming " + consumer.queue() + " on " + settings.redactedUri();
            }

            @Override
            public CompletableFuture<Void> ready() {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public List<Measurement> measurements() {
                return consumer.measurements();
            }

            @Override
            public void close() {
                consumer.close();
            }
        };
    }

    /** Every connection belongs to a part or publisher this transport returned: nothing of its own to release. */
    @Override
    public void close() {
    }
}
