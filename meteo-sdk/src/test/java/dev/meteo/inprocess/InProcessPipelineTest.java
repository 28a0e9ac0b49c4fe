package dev.meteo.inprocess;

import dev.meteo.compute.ComputeNode;
import dev.meteo.contract.ModeUnderTest;
import dev.meteo.contract.PipelineContractTest;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.terminal.Terminal;
import dev.meteo.window.WindowResultPublisher;

/** The contract on the in-process ports: the core logic end to end in one JVM, with the real Redis. */
class InProcessPipelineTest extends PipelineContractTest {

    @Override
    protected ModeUnderTest createMode(String runId) {
        InProcessLoadBalancer balancer = new InProcessLoadBalancer();
        InProcessBroadcast broadcast = new InProcessBroadcast();
        return new ModeUnderTest() {
            @Override
            public Handle startComputeServer(ComputeNode node) {
                balancer.add(node);
                return () -> balancer.remove(node);
            }

            @Override
            public RecordPublisher recordPublisher(String sensorId) {
                return balancer;
            }

            @Override
            public WindowResultPublisher resultPublisher() {
                return broadcast;
            }

            @Override
            public Handle startTerminal(Terminal terminal) {
                broadcast.add(terminal);
                return () -> broadcast.remove(terminal);
            }

            @Override
            public void close() {
            }
        };
    }
}
