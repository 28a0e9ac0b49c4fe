package dev.meteo.grpc;

import dev.meteo.grpc.Endpoint;
import dev.meteo.grpc.internal.GrpcServers;
import dev.meteo.grpc.proto.ProxyGrpc;
import dev.meteo.grpc.proto.Registration;
import dev.meteo.grpc.proxy.GrpcResultPublisher;
import dev.meteo.grpc.proxy.ResultPublisherSettings;
import dev.meteo.grpc.terminal.GrpcTerminalServer;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.WindowResult;
import dev.meteo.terminal.RecordingSink;
import dev.meteo.terminal.Terminal;
import dev.meteo.terminal.TerminalSink;
import dev.meteo.testing.Closer;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The proxy's publisher over real sockets: leases, a slow terminal, the static list. */
class GrpcResultPublisherTest {

    private final Closer closer = new Closer();

    @AfterEach
    void tearDown() throws Exception {
        closer.close();
    }

    private GrpcResultPublisher proxy(ResultPublisherSettings settings) {
        return closer.add(GrpcResultPublisher.start(settings.withShutdownGrace(Duration.ofSeconds(1)), null));
    }

    private GrpcTerminalServer registeredTerminal(Terminal terminal, GrpcResultPublisher proxy) throws Exception {
        GrpcTerminalServer server = closer.add(GrpcTerminalServer.start(
                GrpcTestSettings.terminalSettings().withProxy(new Endpoint("127.0.0.1", proxy.port())), terminal));
        server.registered().get(10, TimeUnit.SECONDS);
        return server;
    }

    private static WindowResult window(int index) {
        Instant start = Instant.ofEpochSecond(1_700_000_000L + index);
        return new WindowResult(start, start.plusSeconds(1), KindStatistics.EMPTY, KindStatistics.EMPTY, 0);
    }

    @Test
    void aSlowTerminalDoesNotHoldUpTheOthers() throws Exception {
        GrpcResultPublisher proxy = proxy(ResultPublisherSettings.defaults().withCallDeadline(Duration.ofMillis(300)));
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger slowEntered = new AtomicInteger();
        RecordingSink slowResults = new RecordingSink();
        TerminalSink blocking = result -> {
            slowEntered.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            slowResults.accept(result);
        };
        registeredTerminal(new Terminal("slow", List.of(blocking)), proxy);
        RecordingSink first = new RecordingSink();
        RecordingSink second = new RecordingSink();
        registeredTerminal(new Terminal("fast-1", List.of(first)), proxy);
        registeredTerminal(new Terminal("fast-2", List.of(second)), proxy);

        for (int i = 0; i < 3; i++) {
            proxy.publish(window(i)); // does not throw: the fast terminals take it
        }

        assertEquals(List.of(window(0), window(1), window(2)), first.results());
        assertEquals(List.of(window(0), window(1), window(2)), second.results());
        assertEquals(1, slowEntered.get(), "the slow terminal is still inside its first window");
        // once unblocked, the slow terminal receives new windows again (those it was too slow for are missed)
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> slowResults.results().contains(window(0)));
        proxy.publish(window(3));
        await().atMost(Duration.ofSeconds(10)).until(() -> slowResults.results().contains(window(3)));
    }

    @Test
    void aTerminalWhoseLeaseRunsOutIsDroppedAndReAddedWhenItRegistersAgain() throws Exception {
        GrpcResultPublisher proxy = proxy(ResultPublisherSettings.defaults().withTerminalLease(Duration.ofMillis(600)));
        RecordingSink sink = new RecordingSink();
        // a live terminal that registers only when told to: its lease decides
        GrpcTerminalServer terminal = closer.add(GrpcTerminalServer.start(GrpcTestSettings.terminalSettings(),
                new Terminal("t", List.of(sink))));
        ManagedChannel channel = GrpcServers.channel(new Endpoint("127.0.0.1", proxy.port()), GrpcTlsSettings.plaintext());
        closer.add(channel::shutdownNow);
        ProxyGrpc.ProxyBlockingStub registrar = ProxyGrpc.newBlockingStub(channel);
        Registration registration = Registration.newBuilder().setId("t").setAddress(terminal.endpoint().toString()).build();

        registrar.registerTerminal(registration);
        proxy.publish(window(0));
        assertEquals(1, sink.size());

        await().atMost(Duration.ofSeconds(30)).until(() -> proxy.terminals().isEmpty());
        // nobody to call: the window is not published to an empty audience, the aggregator keeps it for later
        IllegalStateException nobody = assertThrows(IllegalStateException.class, () -> proxy.publish(window(1)));
        assertTrue(nobody.getMessage().contains("no terminal is registered"), nobody.getMessage());
        assertEquals(1, sink.size());

        registrar.registerTerminal(registration);
        proxy.publish(window(2));
        assertEquals(List.of(window(0), window(2)), sink.results());
    }

    @Test
    void aSecondTerminalWithALiveIdIsRefusedAndTheFirstKeepsReceiving() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                warnings.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger renewals = Logger.getLogger("dev.meteo.grpc.internal.LeaseRenewer");
        renewals.addHandler(capture);
        try {
            GrpcResultPublisher proxy = proxy(ResultPublisherSettings.defaults());
            RecordingSink first = new RecordingSink();
            registeredTerminal(new Terminal("same", List.of(first)), proxy);
            GrpcTerminalServer second = closer.add(GrpcTerminalServer.start(
                    GrpcTestSettings.terminalSettings().withProxy(new Endpoint("127.0.0.1", proxy.port())),
                    new Terminal("same", List.of(new RecordingSink()))));
            await().atMost(Duration.ofSeconds(10)).until(() -> warnings.stream()
                    .anyMatch(w -> w.contains("ALREADY_EXISTS") && w.contains("give every terminal its own --id")));
            assertFalse(second.registered().isDone(), "the second terminal with the same id was registered");
            proxy.publish(window(0));
            assertEquals(List.of(window(0)), first.results());
        } finally {
            renewals.removeHandler(capture);
        }
    }

    @Test
    void terminalsListedInAStaticFileReceiveResultsWithoutRegistering(@TempDir Path dir) throws Exception {
        RecordingSink first = new RecordingSink();
        RecordingSink second = new RecordingSink();
        GrpcTerminalServer one = closer.add(GrpcTerminalServer.start(GrpcTestSettings.terminalSettings(), new Terminal("one", List.of(first))));
        GrpcTerminalServer two = closer.add(GrpcTerminalServer.start(GrpcTestSettings.terminalSettings(), new Terminal("two", List.of(second))));
        Path file = Files.writeString(dir.resolve("terminals.txt"), one.endpoint() + "\n# the second\n" + two.endpoint() + "\n");

        GrpcResultPublisher proxy = proxy(ResultPublisherSettings.defaults().withStaticTerminalsFrom(file));
        proxy.publish(window(0));

        assertEquals(List.of(window(0)), first.results());
        assertEquals(List.of(window(0)), second.results());
    }

    @Test
    void publishFailsWhenNoKnownTerminalTakesTheResultSoTheAggregatorRetries() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        GrpcResultPublisher proxy = proxy(ResultPublisherSettings.defaults()
                .withStaticTerminals(List.of(new Endpoint("127.0.0.1", deadPort))));

        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> proxy.publish(window(0)));
        assertTrue(failure.getMessage().contains("no terminal"), failure.getMessage());
    }
}
