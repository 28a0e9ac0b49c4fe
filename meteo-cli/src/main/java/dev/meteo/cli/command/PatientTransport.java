package dev.meteo.cli.command;

import dev.meteo.cli.io.Console;
import dev.meteo.compute.ComputeNode;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.store.WindowHistory;
import dev.meteo.terminal.Terminal;
import dev.meteo.transport.AccessRefusedException;
import dev.meteo.transport.Transport;
import dev.meteo.window.WindowResultPublisher;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A transport as a role started from the command line needs it: started in any order, each role waits for its peers
 * and says so once. Opening a connection that fails is retried until the peer answers ({@link Retry}); a started part
 * is returned once its peers know it ({@link Transport.Running#ready()}), saying what it waits for meanwhile. An
 * interrupt (Ctrl-C while waiting) stops the wait and closes what was started.
 */
final class PatientTransport implements Transport {

    private final Transport delegate;
    private final String broker;

    /** @param broker the broker whose connection failures are worth retrying, or {@code null} when none is opened at start */
    PatientTransport(Transport delegate, String broker) {
        this.delegate = delegate;
        this.broker = broker;
    }

    private <T> T opened(Supplier<T> open) {
        if (broker == null) {
            return open.get();
        }
        try {
            return Retry.until(broker, open);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("stopped while waiting for " + broker, e);
        }
    }

    /** Returns the part once its peers know it; while they do not, says so once and keeps waiting. */
    private Running ready(Running part) {
        CompletableFuture<Void> ready = part.ready();
        try {
            ready.get(500, TimeUnit.MILLISECONDS);
            return part;
        } catch (TimeoutException e) {
            Console.info("waiting for " + part.awaitedPeer() + " to register (retrying until it answers; Ctrl-C to give up)");
        } catch (InterruptedException e) {
            part.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("stopped while starting: " + part.describe(), e);
        } catch (ExecutionException e) {
            throw failed(part, e);
        }
        try {
            ready.get();
            Console.info("connected: registered with " + part.awaitedPeer());
            return part;
        } catch (InterruptedException e) {
            part.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("stopped while starting: " + part.describe(), e);
        } catch (ExecutionException e) {
            throw failed(part, e);
        }
    }

    /** A part whose peers refused it: a refusal (credentials, another deployment) as it is, so the role says it and exits. */
    private static RuntimeException failed(Running part, ExecutionException e) {
        part.close();
        if (e.getCause() instanceof AccessRefusedException refused) {
            return refused;
        }
        return new IllegalStateException(part.describe() + ": " + e.getCause().getMessage(), e.getCause());
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public Running startLoadBalancer() {
        return ready(opened(delegate::startLoadBalancer));
    }

    @Override
    public RecordPublisher openRecordPublisher(String sensorId) {
        return opened(() -> delegate.openRecordPublisher(sensorId));
    }

    @Override
    public RecordPublisher openFleetPublisher(String fleetId) {
        return opened(() -> delegate.openFleetPublisher(fleetId));
    }

    @Override
    public Running startComputeServer(ComputeNode node) {
        return ready(opened(() -> delegate.startComputeServer(node)));
    }

    @Override
    public WindowResultPublisher openResultPublisher(WindowHistory history) {
        return opened(() -> delegate.openResultPublisher(history));
    }

    @Override
    public Running startTerminal(Terminal terminal) {
        return ready(opened(() -> delegate.startTerminal(terminal)));
    }

    @Override
    public void close() {
        delegate.close();
    }
}
