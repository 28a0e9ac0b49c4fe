package dev.meteo.rabbit;

import dev.meteo.compute.ComputeNode;
import dev.meteo.contract.ModeUnderTest;
import dev.meteo.contract.PipelineContractTest;
import dev.meteo.rabbit.compute.RabbitComputeServer;
import dev.meteo.rabbit.proxy.RabbitResultPublisher;
import dev.meteo.rabbit.sensor.RabbitRecordPublisher;
import dev.meteo.rabbit.terminal.RabbitTerminalConsumer;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.terminal.Terminal;
import dev.meteo.window.WindowResultPublisher;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The shared end-to-end contract over the real RabbitMQ: sensors publish to the work queue, compute servers consume
 * it, the proxy publishes to the fanout exchange, each terminal consumes its own queue. Stopping a compute server
 * aborts its connection with records unacknowledged, as a crash would.
 */
class RabbitPipelineTest extends PipelineContractTest {

    @Override
    protected ModeUnderTest createMode(String runId) {
        RabbitSettings settings = RabbitTestSupport.settings("meteo-test-" + runId);
        List<String> terminalIds = new CopyOnWriteArrayList<>();
        return new ModeUnderTest() {
            @Override
            public Handle startComputeServer(ComputeNode node) throws Exception {
                RabbitComputeServer server = RabbitComputeServer.start(settings, node, store);
                return server::abort;
            }

            @Override
            public RecordPublisher recordPublisher(String sensorId) throws Exception {
                return RabbitRecordPublisher.open(settings);
            }

            @Override
            public WindowResultPublisher resultPublisher() throws Exception {
                return RabbitResultPublisher.open(settings);
            }

            @Override
            public Handle startTerminal(Terminal terminal) throws Exception {
                terminalIds.add(terminal.id());
                return RabbitTerminalConsumer.start(settings, terminal)::close;
            }

            @Override
            public void close() throws Exception {
                RabbitTestSupport.deleteTopology(settings, terminalIds);
            }
        };
    }
}
