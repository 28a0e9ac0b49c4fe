package dev.meteo.grpc;

import dev.meteo.compute.ComputeNode;
import dev.meteo.grpc.balancer.GrpcLoadBalancer;
import dev.meteo.grpc.compute.GrpcComputeServer;
import dev.meteo.grpc.proxy.GrpcResultPublisher;
import dev.meteo.grpc.sensor.GrpcBatchPublisher;
import dev.meteo.grpc.sensor.GrpcRecordPublisher;
import dev.meteo.grpc.terminal.GrpcTerminalServer;
import dev.meteo.metrics.Measurement;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.store.WindowHistory;
import dev.meteo.terminal.Terminal;
import dev.meteo.transport.Transport;
import dev.meteo.window.WindowResultPublisher;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Direct mode as a {@link Transport}: sensors call the load balancer, which forwards each record to a compute server
 * and answers once it is stored; compute servers and terminals listen on their own ports and register (with the load
 * balancer, with the proxy), retrying until their registrar answers, so start order does not matter.
 *
 * <p>Where the registrars are comes from {@link GrpcTransportSettings}; when the settings leave one unset, this
 * transport starts it itself (on a free port) and points the roles it starts afterwards at it.
 */
public final class GrpcTransport implements Transport {

    private final GrpcTransportSettings settings;
    private volatile Endpoint balancer;
    private volatile Endpoint proxy;

    private GrpcTransport(GrpcTransportSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.balancer = settings.balancer();
        this.proxy = settings.proxy();
    }

    /** A transport with these settings; it starts nothing until asked. */
    public static GrpcTransport of(GrpcTransportSettings settings) {
        return new GrpcTransport(settings);
    }

    @Override
    public String name() {
        return "grpc";
    }

    /** Starts a load balancer on the settings' bind host and port; when the settings name none, roles use this one. */
    @Override
    public Running startLoadBalancer() {
        GrpcLoadBalancer started = GrpcLoadBalancer.start(settings.loadBalancer(), settings.tls());
        if (balancer == null) {
            balancer = new Endpoint(settings.loadBalancer().bindHost(), started.port());
        }
        String where = settings.loadBalancer().bindHost() + ":" + started.port() + " (" + settings.tls().describe() + ")";
        return new Part("listening on " + where + "; compute servers register here", "nobody",
                CompletableFuture.completedFuture(null), started::close, started::closeNow) {
            @Override
            public List<Measurement> measurements() {
                return started.measurements();
            }
        };
    }

    @Override
    public RecordPublisher openRecordPublisher(String sensorId) {
        return GrpcRecordPublisher.open(settings.recordPublisher().withBalancers(balancers("a sensor")), settings.tls());
    }

    /** Batched calls ({@code SendBatch}) on one channel, grouped as the settings' {@code recordBatches} say. */
    @Override
    public RecordPublisher openFleetPublisher(String fleetId) {
        return GrpcBatchPublisher.open(settings.recordPublisher().withBalancers(balancers("a sensor fleet")),
                settings.recordBatches(), settings.tls());
    }

    @Override
    public Running startComputeServer(ComputeNode node) {
        List<Endpoint> registrars = balancers("a compute server");
        GrpcComputeServer server = GrpcComputeServer.start(settings.computeServer().withBalancers(registrars), settings.tls(), node);
        String where = registrars.size() == 1 ? "the load balancer at " + registrars.get(0)
                : "the load balancers at " + registrars;
        return new Part("serving on " + settings.computeServer().bindHost() + ":" + server.port() + " (" + settings.tls().describe() + ")"
                + ", registering with " + where, where, server.registered(), server::close, server::closeNow);
    }

    /**
     * Opens the proxy's publisher and its registry, where terminals register, on the settings' port; terminals that
     * missed windows get them from {@code history}.
     */
    @Override
    public WindowResultPublisher openResultPublisher(WindowHistory history) {
        GrpcResultPublisher publisher = GrpcResultPublisher.start(settings.resultPublisher(), settings.tls(), history);
        if (proxy == null) {
            proxy = new Endpoint(settings.resultPublisher().bindHost(), publisher.port());
        }
        return publisher;
    }

    @Override
    public Running startTerminal(Terminal terminal) {
        List<Endpoint> registrars = proxies("a terminal");
        GrpcTerminalServer server = GrpcTerminalServer.start(settings.terminal().withProxies(registrars), settings.tls(), terminal);
        String where = registrars.size() == 1 ? "the proxy at " + registrars.get(0) : "the proxies at " + registrars;
        return new Part("receiving on " + settings.terminal().bindHost() + ":" + server.port() + " (" + settings.tls().describe() + ")"
                + ", registering with " + where, where, server.registered(), server::close, server::closeNow);
    }

    /** The load balancer named or started, then the extra ones. */
    private List<Endpoint> balancers(String who) {
        Endpoint known = balancer;
        if (known == null) {
            throw new IllegalStateException(who + " needs the load balancer's address: name it in the settings, or "
                    + "start the load balancer with this transport first");
        }
        List<Endpoint> all = new ArrayList<>(List.of(known));
        settings.extraBalancers().stream().filter(extra -> !all.contains(extra)).forEach(all::add);
        return all;
    }

    /** The proxies terminals register with: the settings' list, else the one proxy this transport opened. */
    private List<Endpoint> proxies(String who) {
        if (!settings.standbyProxies().isEmpty() || proxy != null) {
            List<Endpoint> all = new ArrayList<>();
            if (proxy != null) {
                all.add(proxy);
            }
            settings.standbyProxies().stream().filter(standby -> !all.contains(standby)).forEach(all::add);
            return all;
        }
        throw new IllegalStateException(who + " needs the proxy's address: name it in the settings, or open the "
                + "result publisher with this transport first");
    }

    /** Nothing of its own to release: every server it started is its caller's. */
    @Override
    public void close() {
    }

    /** A server this transport started, with its graceful and abrupt stops. */
    private static class Part implements Running {
        private final String description;
        private final String awaitedPeer;
        private final CompletableFuture<Void> ready;
        private final Runnable close;
        private final Runnable kill;

        Part(String description, String awaitedPeer, CompletableFuture<Void> ready, Runnable close, Runnable kill) {
            this.description = description;
            this.awaitedPeer = awaitedPeer;
            this.ready = ready;
            this.close = close;
            this.kill = kill;
        }

        @Override
        public String describe() {
            return description;
        }

        @Override
        public CompletableFuture<Void> ready() {
            return ready;
        }

        @Override
        public String awaitedPeer() {
            return awaitedPeer;
        }

        @Override
        public void close() {
            close.run();
        }

        @Override
        public void kill() {
            kill.run();
        }
    }
}
