package dev.meteo.cli;

import dev.meteo.grpc.Endpoint;
import dev.meteo.grpc.GrpcTransport;
import dev.meteo.grpc.GrpcTransportSettings;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.RabbitTransport;
import dev.meteo.transport.Transport;

import java.util.function.UnaryOperator;

/** The SDK's transports, built from the launcher's options, and made patient with peers ({@link PatientTransport}). */
final class Transports {

    private Transports() {
    }

    static Transport of(Mode mode, ConnectionOptions options) {
        return of(mode, options, UnaryOperator.identity());
    }

    /** @param grpcOnly what only direct mode reads (a server's port, static peer lists); ignored in rabbit mode */
    static Transport of(Mode mode, ConnectionOptions options, UnaryOperator<GrpcTransportSettings> grpcOnly) {
        return switch (mode) {
            case grpc -> grpc(options, grpcOnly);
            case rabbit -> rabbit(options);
        };
    }

    static Transport grpc(ConnectionOptions options, UnaryOperator<GrpcTransportSettings> change) {
        GrpcTransportSettings settings = GrpcTransportSettings
                .of(Endpoint.parse(options.loadBalancer), Endpoint.parse(options.proxy))
                .withBindHost(options.bindHost);
        // gRPC peers are reached lazily: nothing to retry at start, the parts wait for their registration instead
        return new PatientTransport(GrpcTransport.of(change.apply(settings)), null);
    }

    static Transport rabbit(ConnectionOptions options) {
        RabbitSettings settings = RabbitSettings.of(options.rabbitUri).withNamePrefix(options.rabbitPrefix);
        return new PatientTransport(RabbitTransport.of(settings), "RabbitMQ at " + settings.redactedUri());
    }
}
