package dev.meteo.rabbit;

import dev.meteo.testing.PipelineContractTest;
import dev.meteo.transport.Transport;

import java.util.List;

/**
 * The shared end-to-end contract over the real RabbitMQ: sensors publish to the work queue, compute servers consume
 * it, the proxy publishes to the fanout exchange, each terminal consumes its own queue. Killing a compute server
 * aborts its connection with records unacknowledged, as a crash would.
 */
class RabbitPipelineTest extends PipelineContractTest {

    @Override
    protected Transport createTransport(String runId) {
        return RabbitTransport.of(RabbitTestSupport.settings("meteo-test-" + runId));
    }

    @Override
    protected void cleanUp(String runId, List<String> terminalIds) throws Exception {
        RabbitTestSupport.deleteTopology(RabbitTestSupport.settings("meteo-test-" + runId), terminalIds);
    }
}
