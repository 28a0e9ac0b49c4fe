package dev.meteo.simulation;

import dev.meteo.compute.ComputeNode;
import dev.meteo.model.InvalidRecordException;
import dev.meteo.model.SensorRecord;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.store.StoreUnavailableException;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;

/**
 * The record path with the direct mode's guarantee: a sensor sends a record to the compute nodes in turn, one attempt at
 * a time, each with a deadline; only a reply to its current attempt counts; a record is sent again, after a backoff,
 * when an attempt failed or went unanswered, until a reply confirms it (stored, late or a duplicate) or says it is invalid, or until the sensor
 * gives up after {@link #GIVE_UP_MILLIS} and counts it failed. The simulator controls the rest: deliveries and replies
 * take random times (so they overtake each other), some are duplicated, delayed for long, or lost.
 */
final class RecordPath {

    static final long ATTEMPT_DEADLINE_MILLIS = 1_000;
    static final long GIVE_UP_MILLIS = 20_000;
    static final long INITIAL_BACKOFF_MILLIS = 100;
    static final long MAX_BACKOFF_MILLIS = 2_000;
    /** A delayed delivery is held this long at most: past the retention, the double count of the previous design. */
    static final long LONGEST_DELAY_MILLIS = 15_000;

    private final class Send {
        final SimulatedSensor sensor;
        final SensorRecord record;
        final CompletableFuture<Void> outcome = new CompletableFuture<>();
        final long firstSentMillis;
        int attempt;
        boolean done;

        Send(SimulatedSensor sensor, SensorRecord record) {
            this.sensor = sensor;
            this.record = record;
            this.firstSentMillis = deployment.loop.now();
        }
    }

    private final SimulatedDeployment deployment;
    private final List<SimulatedNode> nodes;
    private int nextNode;
    /** Deliveries and replies on the way (held ones included): the drain waits until none is. */
    private long onTheWay;
    long duplicated;
    long delayed;
    long repliesLost;

    RecordPath(SimulatedDeployment deployment, List<SimulatedNode> nodes) {
        this.deployment = deployment;
        this.nodes = nodes;
    }

    RecordPublisher publisherFor(SimulatedSensor sensor) {
        return record -> send(sensor, record);
    }

    private CompletableFuture<Void> send(SimulatedSensor sensor, SensorRecord record) {
        Send send = new Send(sensor, record);
        attempt(send);
        return send.outcome;
    }

    private void attempt(Send send) {
        int attempt = ++send.attempt;
        SimulatedNode node = nodes.get(nextNode++ % nodes.size());
        deployment.trace.event(deployment.loop.now(), send.sensor.id, "send attempt", send.record.id(), attempt);
        deliver(send, attempt, node, deployment.latency());
        if (deployment.chance(deployment.network.duplicateRate)) {
            duplicated++;
            deliver(send, attempt, node, deployment.latency());
        }
        deployment.loop.after(ATTEMPT_DEADLINE_MILLIS, () -> deadline(send, attempt));
    }

    private void deliver(Send send, int attempt, SimulatedNode node, long latency) {
        if (deployment.chance(deployment.network.delayRate)) {
            delayed++;
            latency = 1_000 + deployment.random.nextLong(LONGEST_DELAY_MILLIS - 1_000);
        }
        onTheWay++;
        deployment.loop.after(latency, () -> {
            onTheWay--;
            arrive(send, attempt, node);
        });
    }

    private void arrive(Send send, int attempt, SimulatedNode node) {
        if (node.down()) {
            // connection refused: the attempt fails at once and the sensor tries the next node
            deployment.trace.event(deployment.loop.now(), node.id, "refuses (down)", send.record.id(), attempt);
            reply(send, attempt, new StoreUnavailableException("compute node " + node.id + " is down", null));
            return;
        }
        if (node.paused()) {
            onTheWay++; // held in the paused process's socket until it wakes, lost if it is killed meanwhile
            int holder = node.incarnation();
            deployment.loop.at(node.pausedUntil(), () -> {
                onTheWay--;
                if (node.incarnation() == holder) {
                    arrive(send, attempt, node);
                }
            });
            return;
        }
        ComputeNode instance = node.node();
        int incarnation = node.incarnation();
        deployment.trace.event(deployment.loop.now(), node.id, "processes", send.record.id(), attempt);
        // the load balancer cancels the call when the sensor's attempt ends: sometimes the node sees that
        BooleanSupplier stillWanted = deployment.random.nextBoolean() ? () -> true
                : () -> !send.done && send.attempt == attempt;
        instance.process(send.record, stillWanted).whenComplete((processed, error) -> {
            if (node.incarnation() != incarnation) {
                return; // the instance crashed: it answers nothing
            }
            if (error == null) {
                deployment.trace.event(deployment.loop.now(), node.id, processed.outcome().name(), send.record.id(), attempt);
            }
            reply(send, attempt, error);
        });
    }

    private void reply(Send send, int attempt, Throwable error) {
        if (deployment.chance(deployment.network.lostReplyRate)) {
            repliesLost++;
            return;
        }
        onTheWay++;
        deployment.loop.after(deployment.latency(), () -> {
            onTheWay--;
            answered(send, attempt, error);
        });
    }

    private void answered(Send send, int attempt, Throwable error) {
        if (send.done || attempt != send.attempt) {
            return; // an earlier attempt's call: its sensor no longer waits for it
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause == null) {
            finish(send, null);
        } else if (cause instanceof InvalidRecordException) {
            finish(send, cause); // invalid: never sent again, counted failed at the sensor and rejected in the store
        } else {
            if (!(cause instanceof StoreUnavailableException || cause instanceof CancellationException)) {
                deployment.unexpected("record " + send.record.id() + " failed at a node with " + cause);
            }
            deployment.loop.after(backoffMillis(attempt), () -> retryIfCurrent(send, attempt));
        }
    }

    private void deadline(Send send, int attempt) {
        if (!send.done && attempt == send.attempt) {
            deployment.trace.event(deployment.loop.now(), send.sensor.id, "attempt deadline", send.record.id(), attempt);
            deployment.loop.after(backoffMillis(attempt), () -> retryIfCurrent(send, attempt));
        }
    }

    /** As the gRPC sensor's {@code Backoff}: between half and all of 100 ms doubled per attempt, up to 2 s. */
    private long backoffMillis(int attempt) {
        long ceiling = Math.min(MAX_BACKOFF_MILLIS, INITIAL_BACKOFF_MILLIS << Math.min(attempt - 1, 10));
        return ceiling / 2 + deployment.random.nextLong(ceiling / 2 + 1);
    }

    private void retryIfCurrent(Send send, int attempt) {
        if (send.done || attempt != send.attempt) {
            return;
        }
        if (deployment.loop.now() - send.firstSentMillis >= GIVE_UP_MILLIS) {
            finish(send, new IllegalStateException("record " + send.record.id() + " not delivered: gave up"));
        } else {
            attempt(send);
        }
    }

    private void finish(Send send, Throwable failure) {
        send.done = true;
        deployment.trace.event(deployment.loop.now(), send.sensor.id, failure == null ? "confirmed" : "failed",
                send.record.id(), send.attempt);
        if (failure == null) {
            send.outcome.complete(null);
        } else {
            send.outcome.completeExceptionally(failure);
        }
    }

    /** Nothing on the way to or from a node. */
    boolean quiet() {
        return onTheWay == 0;
    }
}
