package dev.meteo.grpc;

import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.grpc.balancer.GrpcLoadBalancer;
import dev.meteo.model.Accounting;
import dev.meteo.model.WindowResult;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.sensor.Sensor;
import dev.meteo.sensor.SensorSettings;
import dev.meteo.sensor.SensorType;
import dev.meteo.store.SensorCounts;
import dev.meteo.terminal.RecordingSink;
import dev.meteo.terminal.Terminal;
import dev.meteo.testing.RedisTestSupport;
import dev.meteo.transport.Transport;
import dev.meteo.window.AggregatorSettings;
import dev.meteo.window.WindowAggregator;
import dev.meteo.window.WindowResultPublisher;
import dev.meteo.window.WindowSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No single load balancer: two of them, both active; compute servers register with both, sensors spread their calls
 * over both. One is killed mid-run (calls in flight cut): its sensors' unconfirmed records are retried on the other,
 * the stores deduplicate what was stored before the cut. 0 lost, none counted twice, windows contiguous.
 */
class GrpcLoadBalancerFailoverTest {

    private static final WindowSpec WINDOW = WindowSpec.of(Duration.ofMillis(500), Duration.ofMillis(1500));

    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();

    @AfterEach
    void tearDown() {
        while (!toClose.isEmpty()) {
            try {
                toClose.pop().close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        toClose.push(closeable);
        return closeable;
    }

    @Test
    void killingOneOfTwoLoadBalancersLosesNoRecordAndCountsNoneTwice() throws Exception {
        GrpcTransportSettings base = GrpcTestSettings.inOneProcess();
        GrpcLoadBalancer second = closeLater(GrpcLoadBalancer.start(base.loadBalancer()));
        Transport transport = closeLater(GrpcTransport.of(
                base.withExtraBalancers(List.of(new Endpoint("127.0.0.1", second.port())))));
        Transport.Running first = closeLater(transport.startLoadBalancer());
        RedisMeteoStore store = closeLater(RedisTestSupport.freshStore());
        for (int i = 0; i < 2; i++) {
            ComputeNode node = closeLater(new ComputeNode(ComputeSettings.of("server-" + i), store, Clock.systemUTC()));
            closeLater(transport.startComputeServer(node)).ready().get(10, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> second.liveServers().size() == 2
                && ((Number) first.status().get("live_servers")).intValue() == 2);
        WindowResultPublisher publisher = closeLater(transport.openResultPublisher(store));
        RecordingSink sink = new RecordingSink();
        closeLater(transport.startTerminal(new Terminal("t0", List.of(sink)))).ready().get(10, TimeUnit.SECONDS);
        WindowAggregator aggregator = closeLater(new WindowAggregator(AggregatorSettings.of(WINDOW, "proxy"),
                store, publisher, Clock.systemUTC()).start());
        List<Sensor> sensors = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SensorType type = i < 2 ? SensorType.AIR : SensorType.POLLUTION;
            sensors.add(closeLater(new Sensor(SensorSettings.of("s" + i, type).withInterval(Duration.ofMillis(5)),
                    closeLater(transport.openRecordPublisher("s" + i)), Clock.systemUTC()).start()));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> sink.size() >= 2
                && ((Number) first.status().get("forwarded")).longValue() > 0 && second.stats().forwarded() > 0);

        first.kill();
        long forwardedByTheOtherAtKill = second.stats().forwarded();
        int windowsAtKill = sink.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> sink.size() >= windowsAtKill + 3);

        for (Sensor sensor : sensors) {
            sensor.close();
        }
        long sent = sensors.stream().mapToLong(s -> s.stats().sent()).sum();
        Accounting accounting = sink.awaitAccounted(sent, System.currentTimeMillis(), store, Duration.ofSeconds(30));

        assertTrue(second.stats().forwarded() > forwardedByTheOtherAtKill, "the surviving load balancer took over");
        assertNull(aggregator.halted());
        Map<String, SensorCounts> counts = store.sensorCounts();
        for (Sensor sensor : sensors) {
            assertEquals(0, sensor.stats().failed(), sensor.settings().id() + " gave up on records");
            String problem = counts.getOrDefault(sensor.settings().id(), SensorCounts.NONE)
                    .check(sensor.stats().confirmed(), sensor.stats().failed());
            assertNull(problem, () -> sensor.settings().id() + ": " + problem);
        }
        assertTrue(accounting.holds(), accounting::toString);
        List<WindowResult> results = sink.results();
        for (int i = 1; i < results.size(); i++) {
            assertEquals(results.get(i - 1).end(), results.get(i).start(), "windows not contiguous: " + results);
        }
        long stored = counts.values().stream().mapToLong(SensorCounts::stored).sum();
        assertEquals(stored, results.stream().mapToLong(WindowResult::recordCount).sum());
    }
}
