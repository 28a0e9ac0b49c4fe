package dev.meteo.contract;

import dev.meteo.compute.ComputeNode;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.terminal.Terminal;
import dev.meteo.window.WindowResultPublisher;

/**
 * What a communication mode plugs into the shared {@link PipelineContractTest}: the wire around the core roles.
 * The test builds the core objects (sensors, compute nodes, aggregator, terminals, the Redis store); the mode
 * carries records to the nodes and results to the terminals. Everything a mode starts it closes in {@link #close()}.
 */
public interface ModeUnderTest extends AutoCloseable {

    /** Exposes a compute node over the wire (a gRPC server registered with the LB, a queue consumer...). */
    Handle startComputeServer(ComputeNode node) throws Exception;

    /** A publisher for one sensor; the test closes it after the sensor. */
    RecordPublisher recordPublisher(String sensorId) throws Exception;

    /** The proxy's publisher; the test closes it after the aggregator. */
    WindowResultPublisher resultPublisher() throws Exception;

    /**
     * Exposes a terminal over the wire; returns once the terminal is ready to receive results (registered with the
     * proxy, its queue bound). Starting a terminal again with the same id after {@link Handle#close()} resumes it.
     */
    Handle startTerminal(Terminal terminal) throws Exception;

    /** A running part of the mode that a test can stop (abruptly: as a crash would, unacked work left behind). */
    interface Handle extends AutoCloseable {
        @Override
        void close() throws Exception;
    }
}
