package dev.meteo.inprocess;

import dev.meteo.testing.PipelineContractTest;
import dev.meteo.transport.Transport;

/** The contract on the in-process transport: the core logic end to end in one JVM, with the real Redis. */
class InProcessPipelineTest extends PipelineContractTest {

    @Override
    protected Transport createTransport(String runId) {
        return new InProcessTransport();
    }
}
