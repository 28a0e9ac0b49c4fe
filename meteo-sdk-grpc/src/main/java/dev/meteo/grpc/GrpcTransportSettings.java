package dev.meteo.grpc;

import dev.meteo.grpc.balancer.LoadBalancerSettings;
import dev.meteo.grpc.compute.ComputeServerSettings;
import dev.meteo.grpc.proxy.ResultPublisherSettings;
import dev.meteo.grpc.sensor.RecordBatchSettings;
import dev.meteo.grpc.sensor.RecordPublisherSettings;
import dev.meteo.grpc.terminal.TerminalServerSettings;

import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Settings of a {@link GrpcTransport}: where the two registrars of direct mode are, and the settings of each role the
 * transport can run. The peers' addresses are set here once, for every role: the role settings' own peer fields
 * ({@code RecordPublisherSettings.balancer}, {@code ComputeServerSettings.balancer}, {@code TerminalServerSettings.proxy})
 * are replaced by {@code balancer} and {@code proxy} when a role starts.
 *
 * @param balancer        where sensors send records and compute servers register; {@code null}: the load balancer
 *                        this transport starts itself ({@link GrpcTransport#startLoadBalancer()} first), on the port of
 *                        {@code loadBalancer} (0: a free one)
 * @param proxy           where terminals register; {@code null}: the registry of the result publisher this transport
 *                        opens itself ({@link GrpcTransport#openResultPublisher()} first), on its settings' port
 * @param loadBalancer    the load balancer's settings
 * @param recordPublisher a sensor's client settings (deadlines, retries, buffer)
 * @param computeServer   a compute server's settings (bind host, port, advertised host, registration retry)
 * @param resultPublisher the proxy's settings (registry port, terminal lease, call deadline, static terminals)
 * @param terminal        a terminal server's settings (bind host, port, advertised host, registration retry)
 * @param standbyProxies  further proxies terminals register with besides {@code proxy}: standbys that take over the
 *                        lease, so that they know every terminal when they do
 * @param extraBalancers  further load balancers besides {@code balancer}, all active: sensors spread their calls over
 *                        all of them and retry on another when one is down; compute servers register with each
 * @param recordBatches   how a fleet's publisher ({@link GrpcTransport#openFleetPublisher}) groups records into calls
 * @param tls             how every server and channel of the transport is secured: plaintext by default, TLS or
 *                        mutual TLS ({@link GrpcTlsSettings})
 */
public record GrpcTransportSettings(Endpoint balancer, Endpoint proxy, LoadBalancerSettings loadBalancer,
                                    RecordPublisherSettings recordPublisher, ComputeServerSettings computeServer,
                                    ResultPublisherSettings resultPublisher, TerminalServerSettings terminal,
                                    List<Endpoint> standbyProxies, List<Endpoint> extraBalancers,
                                    RecordBatchSettings recordBatches, GrpcTlsSettings tls) {

    /** The load balancer's port when a deployment does not say: {@value}. */
    public static final int DEFAULT_BALANCER_PORT = 7101;
    /** The proxy registry's port when a deployment does not say: {@value}. */
    public static final int DEFAULT_PROXY_PORT = 7102;

    public GrpcTransportSettings {
        Objects.requireNonNull(loadBalancer, "loadBalancer");
        Objects.requireNonNull(recordPublisher, "recordPublisher");
        Objects.requireNonNull(computeServer, "computeServer");
        Objects.requireNonNull(resultPublisher, "resultPublisher");
        Objects.requireNonNull(terminal, "terminal");
        standbyProxies = List.copyOf(standbyProxies);
        extraBalancers = List.copyOf(extraBalancers);
        Objects.requireNonNull(recordBatches, "recordBatches");
        Objects.requireNonNull(tls, "tls");
    }

    /**
     * A deployment whose load balancer is at {@code balancer} and whose proxy registry is at {@code proxy}; servers
     * this transport starts listen on 127.0.0.1 (the load balancer and the registry on those addresses' ports,
     * compute servers and terminals on free ones).
     */
    public static GrpcTransportSettings of(Endpoint balancer, Endpoint proxy) {
        Objects.requireNonNull(balancer, "balancer");
        Objects.requireNonNull(proxy, "proxy");
        return new GrpcTransportSettings(balancer, proxy,
                LoadBalancerSettings.defaults().withPort(balancer.port()),
                RecordPublisherSettings.of(balancer),
                ComputeServerSettings.defaults().withBalancer(balancer),
                ResultPublisherSettings.defaults().withPort(proxy.port()),
                TerminalServerSettings.defaults().withProxy(proxy), List.of(), List.of(), RecordBatchSettings.defaults(),
                GrpcTlsSettings.plaintext());
    }

    /**
     * The whole of direct mode inside one JVM (examples, tests): the transport starts the load balancer and the proxy
     * registry itself, on free ports of 127.0.0.1, and points its sensors, compute servers and terminals at them.
     */
    public static GrpcTransportSettings inOneProcess() {
        Endpoint placeholder = new Endpoint("127.0.0.1", DEFAULT_BALANCER_PORT); // replaced once the balancer runs
        return new GrpcTransportSettings(null, null, LoadBalancerSettings.defaults(),
                RecordPublisherSettings.of(placeholder), ComputeServerSettings.defaults(),
                ResultPublisherSettings.defaults(), TerminalServerSettings.defaults(), List.of(), List.of(), RecordBatchSettings.defaults(),
                GrpcTlsSettings.plaintext());
    }

    /** Every server this transport starts listens on {@code host} ({@code 127.0.0.1} by default). */
    public GrpcTransportSettings withBindHost(String host) {
        return new GrpcTransportSettings(balancer, proxy, loadBalancer.withBindHost(host), recordPublisher,
                computeServer.withBindHost(host), resultPublisher.withBindHost(host), terminal.withBindHost(host), standbyProxies, extraBalancers, recordBatches, tls);
    }

    /** The host compute servers and terminals give their registrar to be called back at (default: the bind host). */
    public GrpcTransportSettings withAdvertisedHost(String host) {
        return new GrpcTransportSettings(balancer, proxy, loadBalancer, recordPublisher,
                computeServer.withAdvertisedHost(host), resultPublisher, terminal.withAdvertisedHost(host), standbyProxies, extraBalancers, recordBatches, tls);
    }

    /** The port of the compute servers and terminals this transport starts ({@code 0}, the default: a free one). */
    public GrpcTransportSettings withServerPort(int port) {
        return new GrpcTransportSettings(balancer, proxy, loadBalancer, recordPublisher, computeServer.withPort(port),
                resultPublisher, terminal.withPort(port), standbyProxies, extraBalancers, recordBatches, tls);
    }

    /** Terminals also register with these proxies (standbys), so that a standby knows them all when it takes over. */
    public GrpcTransportSettings withStandbyProxies(List<Endpoint> proxies) {
        return new GrpcTransportSettings(balancer, proxy, loadBalancer, recordPublisher, computeServer, resultPublisher,
                terminal, proxies, extraBalancers, recordBatches, tls);
    }

    /** Load balancers besides {@code balancer}, all active (see {@code extraBalancers}). */
    public GrpcTransportSettings withExtraBalancers(List<Endpoint> balancers) {
        return new GrpcTransportSettings(balancer, proxy, loadBalancer, recordPublisher, computeServer, resultPublisher,
                terminal, standbyProxies, balancers, recordBatches, tls);
    }

    public GrpcTransportSettings withLoadBalancer(UnaryOperator<LoadBalancerSettings> change) {
        return new GrpcTransportSettings(balancer, proxy, change.apply(loadBalancer), recordPublisher, computeServer,
                resultPublisher, terminal, standbyProxies, extraBalancers, recordBatches, tls);
    }

    public GrpcTransportSettings withRecordPublisher(UnaryOperator<RecordPublisherSettings> change) {
        return new GrpcTransportSettings(balancer, proxy, loadBalancer, change.apply(recordPublisher), computeServer,
                resultPublisher, terminal, standbyProxies, extraBalancers, recordBatches, tls);
    }

    public GrpcTransportSettings withComputeServer(UnaryOperator<ComputeServerSettings> change) {
        return new GrpcTransportSettings(balancer, proxy, loadBalancer, recordPublisher, change.apply(computeServer),
                resultPublisher, terminal, standbyProxies, extraBalancers, recordBatches, tls);
    }

    public GrpcTransportSettings withResultPublisher(UnaryOperator<ResultPublisherSettings> change) {
        return new GrpcTransportSettings(balancer, proxy, loadBalancer, recordPublisher, computeServer,
                change.apply(resultPublisher), terminal, standbyProxies, extraBalancers, recordBatches, tls);
    }

    public GrpcTransportSettings withRecordBatches(UnaryOperator<RecordBatchSettings> change) {
        return new GrpcTransportSettings(balancer, proxy, loadBalancer, recordPublisher, computeServer, resultPublisher,
                terminal, standbyProxies, extraBalancers, change.apply(recordBatches), tls);
    }

    /** Every server and channel the transport builds is secured as {@code newTls} says (plaintext by default). */
    public GrpcTransportSettings withTls(GrpcTlsSettings newTls) {
        return new GrpcTransportSettings(balancer, proxy, loadBalancer, recordPublisher, computeServer, resultPublisher,
                terminal, standbyProxies, extraBalancers, recordBatches, newTls);
    }

    /**
     * Every role this transport runs belongs to {@code deployment} (the launcher: the Redis key prefix): compute servers
     * and terminals state it when they register, and the load balancer and the proxy refuse peers that state another
     * ({@code FAILED_PRECONDITION}); {@code null}, the default, states none and accepts any.
     */
    public GrpcTransportSettings withDeployment(String deployment) {
        return new GrpcTransportSettings(balancer, proxy, loadBalancer.withDeployment(deployment), recordPublisher,
                computeServer.withDeployment(deployment), resultPublisher.withDeployment(deployment),
                terminal.withDeployment(deployment), standbyProxies, extraBalancers, recordBatches, tls);
    }

    public GrpcTransportSettings withTerminal(UnaryOperator<TerminalServerSettings> change) {
        return new GrpcTransportSettings(balancer, proxy, loadBalancer, recordPublisher, computeServer, resultPublisher,
                change.apply(terminal), standbyProxies, extraBalancers, recordBatches, tls);
    }
}
