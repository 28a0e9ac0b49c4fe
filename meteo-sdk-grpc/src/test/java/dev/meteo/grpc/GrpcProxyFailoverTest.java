package dev.meteo.grpc;

import dev.meteo.grpc.proxy.GrpcResultPublisher;
import dev.meteo.grpc.proxy.ResultPublisherSettings;
import dev.meteo.grpc.terminal.GrpcTerminalServer;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.model.Coefficient;
import dev.meteo.model.CoefficientKind;
import dev.meteo.model.RecordId;
import dev.meteo.model.WindowResult;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.terminal.RecordingSink;
import dev.meteo.terminal.Terminal;
import dev.meteo.testing.Closer;
import dev.meteo.testing.RedisTestSupport;
import dev.meteo.window.AggregatorSettings;
import dev.meteo.window.WindowAggregator;
import dev.meteo.window.WindowSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A proxy that becomes active (a restart on the same address, a standby's takeover) delivers every window to every
 * terminal: it never publishes to an empty registry, and each terminal gets the windows it missed from the results
 * saved in Redis. Real gRPC sockets, real Redis; records are stored straight into the store by a producer thread.
 */
class GrpcProxyFailoverTest {

    private static final WindowSpec WINDOW = WindowSpec.of(Duration.ofMillis(300), Duration.ofMillis(200));
    private static final Duration LEASE = Duration.ofSeconds(1);

    private final RedisMeteoStore store = RedisTestSupport.freshStore();
    private final Closer closer = new Closer();
    private final AtomicLong stored = new AtomicLong();
    private volatile boolean producing = true;

    @AfterEach
    void tearDown() throws Exception {
        producing = false;
        closer.close();
        store.deleteAll();
        store.close();
    }

    /** Stores a record every 10 ms at the current time, as compute servers would. */
    private void startProducing() {
        DaemonThreadFactory.start("test-producer", () -> {
            long sequence = 0;
            while (producing) {
                Coefficient c = new Coefficient(CoefficientKind.WELLNESS, new RecordId("s", ++sequence),
                        Instant.now(), 0.5);
                store.storeAll(List.of(c));
                stored.incrementAndGet();
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private GrpcResultPublisher publisher(int port) {
        return GrpcResultPublisher.start(ResultPublisherSettings.defaults().withPort(port)
                .withTerminalLease(LEASE.multipliedBy(2)).withCallDeadline(Duration.ofMillis(500))
                .withShutdownGrace(Duration.ofMillis(200)), store);
    }

    private WindowAggregator aggregator(String id, GrpcResultPublisher publisher) {
        return new WindowAggregator(AggregatorSettings.of(WINDOW, id).withLease(LEASE, Duration.ofMillis(100)), store,
                publisher, Clock.systemUTC());
    }

    private RecordingSink terminal(String id, List<Endpoint> proxies) throws Exception {
        RecordingSink sink = new RecordingSink();
        GrpcTerminalServer server = closer.add(GrpcTerminalServer.start(
                GrpcTestSettings.terminalSettings().withProxies(proxies), new Terminal(id, List.of(sink))));
        server.registered().get(10, TimeUnit.SECONDS);
        return sink;
    }

    /** Stops storing, waits for the windows holding every record, and checks both terminals hold them all. */
    private void assertEveryRecordReachesEveryTerminal(RecordingSink one, RecordingSink two) {
        producing = false;
        long stopped = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(30)).until(() -> lastEnd(one) > stopped && lastEnd(two) > stopped);
        for (RecordingSink sink : List.of(one, two)) {
            List<WindowResult> results = sink.results();
            for (int i = 1; i < results.size(); i++) {
                assertEquals(results.get(i - 1).end(), results.get(i).start(), "a gap in " + results);
            }
        }
        long firstStart = Math.max(one.results().get(0).start().toEpochMilli(), two.results().get(0).start().toEpochMilli());
        assertEquals(counted(one, firstStart), counted(two, firstStart), "the terminals hold different windows");
        assertEquals(stored.get(), counted(one, Long.MIN_VALUE) + store.lateCount(), "records in no window a terminal holds");
    }

    private static long lastEnd(RecordingSink sink) {
        List<WindowResult> results = sink.results();
        return results.isEmpty() ? Long.MIN_VALUE : results.get(results.size() - 1).end().toEpochMilli();
    }

    private static long counted(RecordingSink sink, long fromStart) {
        return sink.results().stream().filter(r -> r.start().toEpochMilli() >= fromStart)
                .mapToLong(WindowResult::recordCount).sum();
    }

    @Test
    void aProxyRestartedOnItsAddressDeliversTheWindowsClosedWhileItWasDown() throws Exception {
        GrpcResultPublisher first = publisher(0);
        int port = first.port();
        WindowAggregator active = aggregator("proxy", first).start();
        Endpoint proxy = new Endpoint("127.0.0.1", port);
        RecordingSink one = terminal("one", List.of(proxy));
        RecordingSink two = terminal("two", List.of(proxy));
        startProducing();
        await().atMost(Duration.ofSeconds(10)).until(() -> one.size() >= 3 && two.size() >= 3);

        // SIGTERM and restart at once: a new process, an empty registry, windows due at its first step
        active.close();
        first.close();
        Thread.sleep(WINDOW.sizeMillis() * 3); // windows close while no proxy runs
        GrpcResultPublisher restarted = closer.add(publisher(port));
        closer.add(aggregator("proxy", restarted).start());

        assertEveryRecordReachesEveryTerminal(one, two);
    }

    @Test
    void aStandbyThatTakesOverKnowsEveryTerminalAndDeliversWhatTheActiveOneMissed() throws Exception {
        GrpcResultPublisher activePublisher = publisher(0);
        GrpcResultPublisher standbyPublisher = closer.add(publisher(0));
        Endpoint activeAddress = new Endpoint("127.0.0.1", activePublisher.port());
        Endpoint standbyAddress = new Endpoint("127.0.0.1", standbyPublisher.port());
        WindowAggregator active = aggregator("active", activePublisher).start();
        closer.add(aggregator("standby", standbyPublisher).start());
        RecordingSink one = terminal("one", List.of(activeAddress, standbyAddress));
        RecordingSink two = terminal("two", List.of(activeAddress, standbyAddress));
        startProducing();
        await().atMost(Duration.ofSeconds(10)).until(() -> one.size() >= 3 && two.size() >= 3);

        // the active proxy's publisher dies first, so windows are closed that it could not deliver; then it stops
        activePublisher.close();
        Thread.sleep(WINDOW.sizeMillis() * 2);
        active.close();

        assertEveryRecordReachesEveryTerminal(one, two);
        assertTrue(standbyPublisher.terminals().containsAll(List.of("one", "two")));
    }
}
