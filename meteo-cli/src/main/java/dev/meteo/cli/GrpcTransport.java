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
    public Served serveCompute(ComputeNode node, CoefficientStore store, int port) {
        GrpcComputeServer server = GrpcComputeServer.start(ComputeServerSettings.defaults()
                .withBindHost(options.bindHost).withPort(port).withBalancer(Endpoint.parse(options.loadBalancer)), node);
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
    public Served serveTerminal(Terminal terminal, int port) {
        GrpcTerminalServer server = GrpcTerminalServer.start(TerminalServerSettings.defaults()
                .withBindHost(options.bindHost).withPort(port).withProxy(Endpoint.parse(options.proxy)), terminal);
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
