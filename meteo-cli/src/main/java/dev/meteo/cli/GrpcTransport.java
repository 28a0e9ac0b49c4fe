package dev.meteo.cli;

import dev.meteo.compute.ComputeNode;
import dev.meteo.grpc.compute.ComputeServerSettings;
import dev.meteo.grpc.compute.GrpcComputeServer;
import dev.meteo.grpc.proxy.GrpcProxyPublisher;
import dev.meteo.grpc.proxy.ProxySettings;
import dev.meteo.grpc.sensor.GrpcRecordPublisher;
import dev.meteo.grpc.sensor.RecordPublisherSettings;
import dev.meteo.grpc.terminal.GrpcTerminalServer;
import dev.meteo.grpc.terminal.TerminalServerSettings;
import dev.meteo.grpc.wire.Endpoint;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.store.CoefficientStore;
import dev.meteo.terminal.Terminal;
import dev.meteo.window.WindowResultPublisher;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Direct mode: sensors call the load balancer, compute servers and terminals listen on their own ports and register
 * (with the load balancer and the proxy); the peers retry until they answer, so start order does not matter.
 */
final class GrpcTransport implements Transport {

    private final ConnectionOptions options;
    private final Path staticTerminals;

    GrpcTransport(ConnectionOptions options) {
        this(options, null);
    }

    GrpcTransport(ConnectionOptions options, Path staticTerminals) {
        this.options = options;
        this.staticTerminals = staticTerminals;
    }

    @Override
    public RecordPublisher recordPublisher(String sensorId) {
        return new GrpcRecordPublisher(RecordPublisherSettings.of(Endpoint.parse(options.loadBalancer)));
    }

    @Override
    public Served serveCompute(ComputeNode node, CoefficientStore store, int port) throws InterruptedException {
        GrpcComputeServer server = GrpcComputeServer.start(ComputeServerSettings.defaults()
                .withBindHost(options.bindHost).withPort(port).withBalancer(Endpoint.parse(options.loadBalancer)), node);
        awaitRegistration(server.registered(), server::close, "the load balancer at " + options.loadBalancer);
        return new Served() {
            @Override
            public String describe() {
                return "serving on " + options.bindHost + ":" + server.port() + ", registering with the load balancer at "
                        + options.loadBalancer;
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }

    /**
     * A server is ready once its peer knows it: a terminal that reported ready before the proxy had registered it
     * would miss the first windows, a compute server the first records. Registration retries in the background.
     */
    private static void awaitRegistration(CompletableFuture<Void> registered, Runnable closeServer, String peer)
            throws InterruptedException {
        try {
            registered.get(500, TimeUnit.MILLISECONDS);
            return;
        } catch (TimeoutException e) {
            Console.info("waiting for " + peer + " to register (retrying until it answers; Ctrl-C to give up)");
        } catch (ExecutionException e) {
            throw new IllegalStateException("registration with " + peer + " failed: " + e.getCause().getMessage(), e);
        }
        try {
            registered.get();
            Console.info("connected: registered with " + peer);
        } catch (InterruptedException e) {
            closeServer.run();
            throw e;
        } catch (ExecutionException e) {
            closeServer.run();
            throw new IllegalStateException("registration with " + peer + " failed: " + e.getCause().getMessage(), e);
        }
    }

    @Override
    public WindowResultPublisher resultPublisher() {
        Endpoint registry = Endpoint.parse(options.proxy);
        ProxySettings settings = ProxySettings.defaults().withBindHost(options.bindHost).withPort(registry.port());
        if (staticTerminals != null) {
            settings = settings.withStaticTerminalsFrom(staticTerminals);
        }
        return GrpcProxyPublisher.start(settings);
    }

    @Override
    public Served serveTerminal(Terminal terminal, int port) throws InterruptedException {
        GrpcTerminalServer server = GrpcTerminalServer.start(TerminalServerSettings.defaults()
                .withBindHost(options.bindHost).withPort(port).withProxy(Endpoint.parse(options.proxy)), terminal);
        awaitRegistration(server.registered(), server::close, "the proxy at " + options.proxy);
        return new Served() {
            @Override
            public String describe() {
                return "receiving on " + options.bindHost + ":" + server.port() + ", registered with the proxy at " + options.proxy;
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }
}
