package dev.meteo.grpc;

import dev.meteo.grpc.internal.DeliveryPosition;
import dev.meteo.grpc.proto.DeliveryReply;
import dev.meteo.grpc.proto.TerminalGrpc;
import dev.meteo.grpc.terminal.GrpcTerminalServer;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.WindowResult;
import dev.meteo.proto.ProtoCodec;
import dev.meteo.terminal.RecordingSink;
import dev.meteo.terminal.Terminal;
import dev.meteo.testing.Closer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A direct-mode terminal and a window that would leave a gap, over real gRPC calls: it takes it only when the proxy
 * says it sends from exactly where the terminal stands (the proxy knows, and has nothing in between); while the proxy
 * does not know, the terminal refuses however often the window comes, so a refusal whose answer was lost can no longer
 * make it take a gap (docs/guarantees.md, "Finding 1"). A proxy that says nothing keeps the older rule.
 */
class TerminalGapRuleTest {

    private final Closer closer = new Closer();
    private final RecordingSink sink = new RecordingSink();
    private TerminalGrpc.TerminalBlockingStub stub;

    @BeforeEach
    void startTerminal() {
        GrpcTerminalServer server = closer.add(GrpcTerminalServer.start(GrpcTestSettings.terminalSettings(),
                new Terminal("gap-rule", List.of(sink))));
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        closer.add(channel::shutdownNow);
        stub = TerminalGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void tearDown() {
        closer.close();
    }

    private static WindowResult window(int index) {
        Instant start = Instant.ofEpochSecond(1_700_000_000L + index);
        return new WindowResult(start, start.plusSeconds(1), KindStatistics.EMPTY, KindStatistics.EMPTY, 0);
    }

    private DeliveryReply deliver(WindowResult window, Long sentAfter) {
        TerminalGrpc.TerminalBlockingStub call = sentAfter == null ? stub : DeliveryPosition.sentAfter(stub, sentAfter);
        return call.withDeadlineAfter(10, TimeUnit.SECONDS).deliverWindowResult(ProtoCodec.toProto(window));
    }

    private static long end(int index) {
        return window(index).end().toEpochMilli();
    }

    @Test
    void whileTheProxyDoesNotKnowWhereTheTerminalStandsAGapIsRefusedEveryTime() {
        assertTrue(deliver(window(0), 0L).getAccepted(), "a first window leaves no gap");
        for (int offer = 0; offer < 3; offer++) {
            DeliveryReply reply = deliver(window(5), 0L);
            assertFalse(reply.getAccepted(), "offer " + offer + " of a window after a gap, the proxy not knowing");
            assertEquals(end(0), reply.getLastEndMillis(), "the reply says where the terminal stands");
        }
        assertFalse(deliver(window(5), end(3)).getAccepted(), "the proxy believes it stands elsewhere: refused");
        assertEquals(List.of(window(0)), sink.results());
    }

    @Test
    void aGapIsTakenWhenTheProxySaysItSendsFromWhereTheTerminalStands() {
        assertTrue(deliver(window(0), 0L).getAccepted());
        assertTrue(deliver(window(5), end(0)).getAccepted(), "the proxy knows and has nothing in between");
        assertEquals(List.of(window(0), window(5)), sink.results());
    }

    @Test
    void aProxyThatSaysNothingKeepsTheOlderRuleRefusedOnceThenTaken() {
        assertTrue(deliver(window(0), null).getAccepted());
        assertFalse(deliver(window(5), null).getAccepted());
        assertTrue(deliver(window(5), null).getAccepted());
        assertEquals(List.of(window(0), window(5)), sink.results());
    }
}
