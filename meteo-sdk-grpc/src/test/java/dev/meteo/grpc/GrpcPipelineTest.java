package dev.meteo.grpc;

import dev.meteo.testing.PipelineContractTest;
import dev.meteo.transport.Transport;

/** The shared end-to-end contract over real gRPC sockets: load balancer, compute servers, proxy and terminals. */
class GrpcPipelineTest extends PipelineContractTest {

    @Override
    protected Transport createTransport(String runId) {
        return GrpcTransport.of(GrpcTestSettings.inOneProcess());
    }
}
