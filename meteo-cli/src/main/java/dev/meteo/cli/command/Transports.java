package dev.meteo.cli.command;

import dev.meteo.cli.options.BalancerAddress;
import dev.meteo.cli.options.BindOptions;
import dev.meteo.cli.options.Mode;
import dev.meteo.cli.options.ProxyAddress;
import dev.meteo.cli.options.RabbitOptions;
import dev.meteo.cli.options.TlsOptions;
import dev.meteo.grpc.Endpoint;
import dev.meteo.grpc.GrpcTransport;
import dev.meteo.grpc.GrpcTransportSettings;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.RabbitTransport;
import dev.meteo.transport.Transport;

import java.util.List;

/** The SDK's transports, built from a role's options, and made patient with peers ({@link PatientTransport}). */
final class Transports {

    private static final Endpoint LOCAL_BALANCER = new Endpoint("127.0.0.1", GrpcTransportSettings.DEFAULT_BALANCER_PORT);
    private static final Endpoint LOCAL_PROXY = new Endpoint("127.0.0.1", GrpcTransportSettings.DEFAULT_PROXY_PORT);

    private Transports() {
    }

    /**
     * The transport of {@code mode}: rabbit from its options (an {@code amqps://} broker checked against
     * {@code --rabbit-tls-ca}, else {@code --tls-ca}), grpc from {@code grpc} (see {@link #grpcSettings}).
     */
    static Transport of(Mode mode, RabbitOptions rabbit, TlsOptions tls, GrpcTransportSettings grpc) {
        return switch (mode) {
            case GRPC -> grpc(grpc);
            case RABBIT -> rabbit(rabbit.settings(tls.ca()));
        };
    }

    /** As {@link #of(Mode, RabbitOptions, TlsOptions, GrpcTransportSettings)}, with rabbit settings the role tuned. */
    static Transport of(Mode mode, RabbitSettings rabbit, GrpcTransportSettings grpc) {
        return switch (mode) {
            case GRPC -> grpc(grpc);
            case RABBIT -> rabbit(rabbit);
        };
    }

    /**
     * Direct mode's settings from the options a role has: {@code null} for an option the role does not take (a sensor
     * never talks to the proxy), which then keeps its local default. Every server and channel is secured as
     * {@code tls} says.
     */
    static GrpcTransportSettings grpcSettings(BalancerAddress balancer, ProxyAddress proxy, BindOptions bind,
                                              TlsOptions tls) {
        GrpcTransportSettings settings = GrpcTransportSettings.of(balancer == null ? LOCAL_BALANCER : balancer.endpoint(),
                proxy == null ? LOCAL_PROXY : proxy.endpoint()).withTls(tls.grpc());
        if (proxy != null) {
            List<Endpoint> all = proxy.endpoints();
            settings = settings.withStandbyProxies(all.subList(1, all.size()));
        }
        if (balancer != null) {
            List<Endpoint> all = balancer.endpoints();
            settings = settings.withExtraBalancers(all.subList(1, all.size()));
        }
        if (bind == null) {
            return settings;
        }
        settings = settings.withBindHost(bind.host());
        return bind.advertisedHost() == null ? settings : settings.withAdvertisedHost(bind.advertisedHost());
    }

    static Transport grpc(GrpcTransportSettings settings) {
        // gRPC peers are reached lazily: nothing to retry at start, the parts wait for their registration instead
        return new PatientTransport(GrpcTransport.of(settings), null);
    }

    static Transport rabbit(RabbitSettings settings) {
        return new PatientTransport(RabbitTransport.of(settings), "RabbitMQ at " + settings.redactedUri());
    }
}
