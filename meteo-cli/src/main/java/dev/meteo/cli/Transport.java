package dev.meteo.cli;

import dev.meteo.compute.ComputeNode;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.store.CoefficientStore;
import dev.meteo.terminal.Terminal;
import dev.meteo.window.WindowResultPublisher;

import java.util.Map;

/**
 * The wire of one mode as the launcher uses it: the roles are the SDK's, the transport only carries records and
 * results. Each method starts what it returns; the caller closes it.
 */
interface Transport {

    RecordPublisher recordPublisher(String sensorId) throws Exception;

    /** @param port grpc: the port to listen on, 0 for a free one; ignored by rabbit */
    Served serveCompute(ComputeNode node, CoefficientStore store, int port) throws Exception;

    WindowResultPublisher resultPublisher() throws Exception;

    /** @param port grpc: the port to listen on, 0 for a free one; ignored by rabbit */
    Served serveTerminal(Terminal terminal, int port) throws Exception;

    /** Something a transport runs for a role: closes gracefully, describes where it is. */
    interface Served extends AutoCloseable {
        String describe();

        default Map<String, Object> status() {
            return Map.of();
        }

        @Override
        void close() throws Exception;
    }

    static Transport of(Mode mode, ConnectionOptions options) {
        return switch (mode) {
            case grpc -> new GrpcTransport(options);
            case rabbit -> new RabbitTransport(options);
        };
    }
}
