package dev.meteo.inprocess;

import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.RoundRobin;
import dev.meteo.model.SensorRecord;
import dev.meteo.sensor.RecordPublisher;

import java.util.concurrent.CompletableFuture;

/**
 * The in-process record path: sensors publish straight into {@link ComputeNode}s of the same JVM, chosen
 * round-robin. The publish completes when the coefficient is stored, as in direct mode. For examples and tests of
 * the core logic; the store behind the nodes is still the real one.
 */
public final class InProcessLoadBalancer implements RecordPublisher {

    private final RoundRobin<ComputeNode> nodes = new RoundRobin<>();

    public InProcessLoadBalancer add(ComputeNode node) {
        nodes.add(node);
        return this;
    }

    public void remove(ComputeNode node) {
        nodes.remove(node);
    }

    @Override
    public CompletableFuture<Void> publish(SensorRecord record) {
        return nodes.next()
                .map(node -> node.process(record).<Void>thenApply(processed -> null))
                .orElseGet(() -> CompletableFuture.failedFuture(new IllegalStateException("no compute node registered")));
    }
}
