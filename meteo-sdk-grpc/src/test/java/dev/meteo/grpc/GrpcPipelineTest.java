package dev.meteo.grpc;

import dev.meteo.contract.ModeUnderTest;
import dev.meteo.contract.PipelineContractTest;

/** The shared end-to-end contract over direct mode: real sockets on ephemeral ports, real Redis. */
class GrpcPipelineTest extends PipelineContractTest {

    @Override
    protected ModeUnderTest createMode(String runId) {
        return new GrpcMode();
    }
}
