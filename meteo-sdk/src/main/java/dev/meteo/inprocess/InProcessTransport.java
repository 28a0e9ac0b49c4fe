package dev.meteo.inprocess;

import dev.meteo.compute.ComputeNode;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.store.WindowHistory;
import dev.meteo.terminal.Terminal;
import dev.meteo.transport.Transport;
import dev.meteo.window.WindowResultPublisher;

import java.util.concurrent.CompletableFuture;

/**
 * The in-process mode: sensors publish straight into the compute nodes of the same JVM ({@link InProcessLoadBalancer},
 * round-robin, completing once stored) and every window goes to every terminal of the JVM
 * ({@link InProcessBroadcast}). For examples and for testing the core end to end without a network; the store
 * behind the nodes is still a real one.
 */
public final class InProcessTransport implements Transport {

    private final InProcessLoadBalancer balancer = new InProcessLoadBalancer();
    private final InProcessBroadcast broadcast = new InProcessBroadcast();

    @Override
    public String name() {
        return "in-process";
    }

    /** The nodes are called directly: nothing to run. */
    @Override
    public Running startLoadBalancer() {
        return Running.NONE;
    }

    /** Every sensor shares the one in-process balancer; closing it does nothing. */
    @Override
    public RecordPublisher openRecordPublisher(String sensorId) {
        return balancer;
    }

    @Override
    public Running startComputeServer(ComputeNode node) {
        balancer.add(node);
        return part("compute node " + node.settings().id() + " in this JVM", () -> balancer.remove(node));
    }

    /** Terminals of the same JVM miss nothing: the history is not needed. */
    @Override
    public WindowResultPublisher openResultPublisher(WindowHistory history) {
        return broadcast;
    }

    @Override
    public Running startTerminal(Terminal terminal) {
        broadcast.add(terminal);
        return part("terminal " + terminal.id() + " in this JVM", () -> broadcast.remove(terminal));
    }

    private static Running part(String description, Runnable stop) {
        return new Running() {
            @Override
            public String describe() {
                return description;
            }

            @Override
            public CompletableFuture<Void> ready() {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void close() {
                stop.run();
            }
        };
    }

    @Override
    public void close() {
    }
}
