package dev.meteo.transport;

import dev.meteo.compute.ComputeNode;
import dev.meteo.metrics.Measured;
import dev.meteo.metrics.Measurement;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.store.WindowHistory;
import dev.meteo.terminal.Terminal;
import dev.meteo.window.WindowResultPublisher;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A communication mode: how records travel from sensors to compute servers, and window results from the proxy to
 * every terminal. The roles ({@code Sensor}, {@link ComputeNode}, {@code WindowAggregator}, {@link Terminal}) are the
 * core's; a transport only carries. One implementation per adapter module: {@code InProcessTransport} (this module),
 * {@code GrpcTransport} (meteo-sdk-grpc), {@code RabbitTransport} (meteo-sdk-rabbit). The launcher, the shared
 * contract test and the examples build a pipeline through this interface alone.
 *
 * <p>Vocabulary: {@code open...} returns a publisher the caller closes; {@code start...} returns a {@link Running}
 * part the caller closes (or kills, as a crash would). Failures are unchecked and say what could not be reached.
 * Thread-safe.
 */
public interface Transport extends AutoCloseable {

    /** The mode's name, as the launcher's {@code --mode} spells it: {@code grpc}, {@code rabbit}, {@code in-process}. */
    String name();

    /**
     * Starts what a mode runs between sensors and compute servers, where it runs one: direct mode's load balancer.
     * In modes whose broker does this work (indirect: the work queue), returns a part that does nothing.
     */
    Running startLoadBalancer();

    /** A publisher for one sensor's records ({@code sensorId} names its connection where the mode names them). */
    RecordPublisher openRecordPublisher(String sensorId);

    /**
     * One publisher for the records of many sensors in one process (a {@code SensorFleet}), on one connection: where
     * the mode can, it carries many records per call or message (direct: batched calls, each record answered on its
     * own; indirect: batch messages, a batch's records confirmed together by the broker). By default the same as
     * {@link #openRecordPublisher}, which modes that already pipeline every record keep.
     */
    default RecordPublisher openFleetPublisher(String fleetId) {
        return openRecordPublisher(fleetId);
    }

    /** Exposes a compute node: a server the load balancer calls, a consumer of the work queue... */
    Running startComputeServer(ComputeNode node);

    /**
     * The proxy's publisher of window results, to hand to the {@code WindowAggregator}. {@code history} is where the
     * results of closed windows are kept (the aggregator's store): a mode that delivers to terminals itself (direct)
     * sends a terminal the windows it missed from there; a mode whose broker keeps them (indirect) ignores it.
     */
    WindowResultPublisher openResultPublisher(WindowHistory history);

    /**
     * Exposes a terminal: a server the proxy calls, a consumer of the terminal's own queue... A terminal started again
     * with the same id after its part was closed resumes where the mode allows (rabbit: its queue kept the windows).
     */
    Running startTerminal(Terminal terminal);

    /** Releases what the transport holds itself; the parts and publishers it returned are their callers' to close. */
    @Override
    void close();

    /** A running part of a mode (a server, a consumer). */
    interface Running extends AutoCloseable, Measured {

        /** Where it runs and whom it talks to, for a log line ("serving on 127.0.0.1:7301, registering with ..."). */
        String describe();

        /**
         * Completes once the part's peers know it: registered with the load balancer or the proxy, its queue bound.
         * Until then a terminal may miss windows and a compute server gets no records. May never complete while a
         * peer is unreachable (it keeps trying): wait with a bound.
         */
        CompletableFuture<Void> ready();

        /** Whom {@link #ready()} waits for, for a log line ("the proxy at 127.0.0.1:7102"). */
        default String awaitedPeer() {
            return "its peers";
        }

        /** The transport's own meters (calls per backend, redeliveries...), for a metrics registry; none by default. */
        @Override
        default List<Measurement> measurements() {
            return List.of();
        }

        /** Stops gracefully within a bound: work in flight finishes or is handed back. Idempotent. */
        @Override
        void close();

        /** Stops at once, as a crash looks to the peers (calls cut, nothing acknowledged); for tests and drills. */
        default void kill() {
            close();
        }

        /** A part with nothing to run: ready at once, nothing to close. */
        Running NONE = new Running() {
            @Override
            public String describe() {
                return "nothing to run";
            }

            @Override
            public CompletableFuture<Void> ready() {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void close() {
            }
        };
    }
}
