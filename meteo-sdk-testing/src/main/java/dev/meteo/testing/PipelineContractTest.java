package dev.meteo.testing;

import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.model.Accounting;
import dev.meteo.model.RawMeteoData;
import dev.meteo.model.RawPollutionData;
import dev.meteo.model.WindowResult;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.sensor.Sensor;
import dev.meteo.sensor.SensorFleet;
import dev.meteo.sensor.SensorSettings;
import dev.meteo.sensor.SensorType;
import dev.meteo.store.SensorCounts;
import dev.meteo.terminal.RecordingSink;
import dev.meteo.terminal.Terminal;
import dev.meteo.transport.Transport;
import dev.meteo.window.AggregatorSettings;
import dev.meteo.window.WindowAggregator;
import dev.meteo.window.WindowResultPublisher;
import dev.meteo.window.WindowSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The end-to-end contract every communication mode passes (Micrometer's compatibility-kit pattern): real Redis, the
 * mode's real {@link Transport}, the core roles. Each test proves the accounting identity by counting: every record a
 * sensor sent is in exactly one window a terminal received, late, or rejected; and every terminal receives the same
 * windows, contiguous, none skipped. A transport's test is a subclass that says how to build the transport:
 *
 * <pre>{@code
 * class GrpcPipelineTest extends PipelineContractTest {
 *     protected Transport createTransport(String runId) {
 *         return GrpcTransport.of(GrpcTransportSettings.inOneProcess());
 *     }
 * }
 * }</pre>
 */
public abstract class PipelineContractTest {

    /** The mode under test, built fresh for each test; {@code runId} is unique (use it in queue names, ids). */
    protected abstract Transport createTransport(String runId) throws Exception;

    /**
     * The store the pipeline runs on, fresh for each test (a key prefix of its own): the shared Redis by default; a
     * subclass runs the contract on another deployment (a cluster, a Sentinel set) by returning its store.
     */
    protected RedisMeteoStore createStore() {
        return RedisTestSupport.freshStore();
    }

    /**
     * Called after each test, once everything is closed: remove what the transport leaves behind on shared servers
     * (queues named after {@code runId} and these terminals). Nothing by default.
     */
    protected void cleanUp(String runId, List<String> terminalIds) throws Exception {
    }

    /** Window used by the tests: short, so a test sees many windows in a few seconds. */
    protected WindowSpec window() {
        return WindowSpec.of(Duration.ofMillis(400), Duration.ofMillis(400));
    }

    /** Each of n servers must process at least this fraction of a fair share (1/n) of the records. */
    protected double minimumFairShare() {
        return 0.5;
    }

    private static final Duration SENSOR_INTERVAL = Duration.ofMillis(5);
    private static final Duration AWAIT = Duration.ofSeconds(60);
    private static final Duration READY = Duration.ofSeconds(10);

    protected final Clock clock = Clock.systemUTC();
    protected RedisMeteoStore store;
    protected Transport transport;
    protected String runId;
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private final List<String> terminalIds = new ArrayList<>();

    @BeforeEach
    void setUpContract() throws Exception {
        store = createStore();
        runId = UUID.randomUUID().toString().substring(0, 8);
        transport = createTransport(runId);
    }

    @AfterEach
    void tearDownContract() throws Exception {
        while (!toClose.isEmpty()) {
            try {
                toClose.pop().close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        transport.close();
        cleanUp(runId, terminalIds);
        store.deleteAll();
        store.close();
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        toClose.push(closeable);
        return closeable;
    }

    /** A running part once its peers know it (registered, queue bound), closed after the test. */
    private Transport.Running started(Transport.Running part) throws Exception {
        closeLater(part);
        part.ready().get(READY.toMillis(), TimeUnit.MILLISECONDS);
        return part;
    }

    /**
     * One running deployment, started in the order a careful operator would: the load balancer (where the mode has
     * one), servers, the result publisher (direct mode: the registry terminals register with), terminals, the
     * aggregator, and the sensors last.
     */
    protected final class Pipeline {
        final List<ComputeNode> nodes = new ArrayList<>();
        final List<Transport.Running> serverParts = new ArrayList<>();
        final List<Terminal> terminals = new ArrayList<>();
        final List<RecordingSink> sinks = new ArrayList<>();
        final List<Transport.Running> terminalParts = new ArrayList<>();
        final List<Sensor> sensors = new ArrayList<>();
        final List<SensorFleet> fleets = new ArrayList<>();
        WindowAggregator aggregator;

        Pipeline(int airSensors, int pollutionSensors, int servers, int terminalCount) throws Exception {
            started(transport.startLoadBalancer());
            for (int i = 0; i < servers; i++) {
                ComputeNode node = closeLater(new ComputeNode(ComputeSettings.of("server-" + i), store, clock));
                nodes.add(node);
                serverParts.add(started(transport.startComputeServer(node)));
            }
            WindowResultPublisher publisher = closeLater(transport.openResultPublisher(store));
            for (int i = 0; i < terminalCount; i++) {
                RecordingSink sink = new RecordingSink();
                Terminal terminal = new Terminal("terminal-" + runId + "-" + i, List.of(sink));
                terminals.add(terminal);
                terminalIds.add(terminal.id());
                sinks.add(sink);
                terminalParts.add(started(transport.startTerminal(terminal)));
            }
            aggregator = closeLater(new WindowAggregator(
                    AggregatorSettings.of(window(), "proxy-" + runId), store, publisher, clock)).start();
            for (int i = 0; i < airSensors + pollutionSensors; i++) {
                SensorType type = i < airSensors ? SensorType.AIR : SensorType.POLLUTION;
                String id = type.name().toLowerCase() + "-" + runId + "-" + i;
                RecordPublisher recordPublisher = closeLater(transport.openRecordPublisher(id));
                sensors.add(closeLater(new Sensor(
                        SensorSettings.of(id, type).withInterval(SENSOR_INTERVAL).withSeed(i), recordPublisher, clock)));
            }
        }

        /** Adds {@code count} sensors of {@code type} in one fleet, on one publisher from the mode's fleet publisher. */
        SensorFleet addFleet(SensorType type, int count, Duration interval) {
            String prefix = "fleet-" + type.name().toLowerCase() + "-" + runId;
            RecordPublisher shared = closeLater(transport.openFleetPublisher(prefix));
            SensorSettings template = SensorSettings.of(prefix, type).withInterval(interval).withSeed(fleets.size());
            SensorFleet fleet = closeLater(new SensorFleet(SensorFleet.numbered(template, count), shared, clock));
            fleets.add(fleet);
            return fleet;
        }

        void startSensors() {
            sensors.forEach(Sensor::start);
            fleets.forEach(SensorFleet::start);
        }

        /** The lone sensors and every fleet's. */
        List<Sensor> allSensors() {
            List<Sensor> all = new ArrayList<>(sensors);
            fleets.forEach(fleet -> all.addAll(fleet.sensors()));
            return all;
        }

        long sent() {
            return allSensors().stream().mapToLong(sensor -> sensor.stats().sent()).sum();
        }

        void awaitSent(long atLeast) {
            await().atMost(AWAIT).until(() -> sent() >= atLeast);
        }

        /** Stops the sensors (waiting for their confirmations), then waits until every record is accounted for. */
        Accounting stopAndDrain(RecordingSink reference) throws Exception {
            for (Sensor sensor : sensors) {
                sensor.close();
            }
            for (SensorFleet fleet : fleets) {
                fleet.close();
            }
            long sent = sent();
            long stoppedAt = clock.millis();
            await().atMost(AWAIT).until(() -> lastEnd(reference) > stoppedAt
                    && inWindows(reference) + store.lateCount() + store.rejectedCount() >= sent);
            return new Accounting(sent, inWindows(reference), store.lateCount(), store.rejectedCount(), 0);
        }
    }

    private static long inWindows(RecordingSink sink) {
        return sink.results().stream().mapToLong(WindowResult::recordCount).sum();
    }

    private static long lastEnd(RecordingSink sink) {
        List<WindowResult> results = sink.results();
        return results.isEmpty() ? Long.MIN_VALUE : results.get(results.size() - 1).end().toEpochMilli();
    }

    /** Windows follow each other without a gap or a repeat. */
    protected static void assertContiguous(List<WindowResult> results) {
        for (int i = 1; i < results.size(); i++) {
            assertEquals(results.get(i - 1).end(), results.get(i).start(),
                    "window " + i + " does not start where window " + (i - 1) + " ended");
        }
    }

    /** Every terminal received the same windows (compared over the windows all of them have). */
    protected static void assertIdenticalSequences(List<RecordingSink> sinks) {
        int common = sinks.stream().mapToInt(RecordingSink::size).min().orElse(0);
        assertTrue(common > 0, "terminals received no window");
        List<WindowResult> expected = sinks.get(0).results().subList(0, common);
        for (int i = 1; i < sinks.size(); i++) {
            assertEquals(expected, sinks.get(i).results().subList(0, common), "terminal " + i + " differs from terminal 0");
        }
    }

    /**
     * Per sensor, every confirmed record is classified once (in a window, late or rejected) and nothing more than it
     * sent: a loss in one place and a double count in another cannot cancel out as they can in the totals.
     */
    protected void assertEverySensorAccountedFor(Pipeline pipeline) {
        Map<String, SensorCounts> counts = store.sensorCounts();
        for (Sensor sensor : pipeline.allSensors()) {
            Sensor.Stats stats = sensor.stats();
            String problem = counts.getOrDefault(sensor.settings().id(), SensorCounts.NONE)
                    .check(stats.confirmed(), stats.failed());
            assertNull(problem, () -> "sensor " + sensor.settings().id() + ": " + problem);
        }
    }

    private void assertPipelineCorrect(Pipeline pipeline, Accounting accounting) {
        assertTrue(accounting.sent() > 0, "no record was sent");
        assertTrue(accounting.holds(), accounting::toString);
        assertEverySensorAccountedFor(pipeline);
        for (RecordingSink sink : pipeline.sinks) {
            assertContiguous(sink.results());
        }
        assertIdenticalSequences(pipeline.sinks);
    }

    @Test
    void everyRecordSentEndsUpInExactlyOneWindowAndEveryTerminalSeesTheSameWindows() throws Exception {
        Pipeline pipeline = new Pipeline(2, 2, 2, 2);
        pipeline.startSensors();
        pipeline.awaitSent(400);
        Accounting accounting = pipeline.stopAndDrain(pipeline.sinks.get(0));
        assertPipelineCorrect(pipeline, accounting);
        assertEquals(0, accounting.rejected());
    }

    @Test
    void theLoadIsSpreadOverTheServers() throws Exception {
        Pipeline pipeline = new Pipeline(2, 2, 2, 2);
        pipeline.startSensors();
        pipeline.awaitSent(600);
        Accounting accounting = pipeline.stopAndDrain(pipeline.sinks.get(0));
        assertTrue(accounting.holds(), accounting::toString);
        assertEverySensorAccountedFor(pipeline);
        long total = pipeline.nodes.stream().mapToLong(node -> node.stats().processed()).sum();
        for (ComputeNode node : pipeline.nodes) {
            double share = (double) node.stats().processed() / total;
            assertTrue(share >= minimumFairShare() / pipeline.nodes.size(),
                    node.settings().id() + " processed " + node.stats().processed() + " of " + total);
        }
    }

    @Test
    void aComputeServerStoppedMidRunLosesNothingAndCountsNothingTwice() throws Exception {
        Pipeline pipeline = new Pipeline(2, 2, 2, 2);
        pipeline.startSensors();
        pipeline.awaitSent(200);
        pipeline.serverParts.get(0).kill();
        long stoppedAt = pipeline.sent();
        pipeline.awaitSent(stoppedAt + 300);
        Accounting accounting = pipeline.stopAndDrain(pipeline.sinks.get(0));
        assertPipelineCorrect(pipeline, accounting);
        assertTrue(pipeline.nodes.get(1).stats().processed() > 0, "the surviving server processed nothing");
    }

    @Test
    void aStoppedTerminalDoesNotHoldUpTheOthersAndReceivesAgainAfterRestart() throws Exception {
        Pipeline pipeline = new Pipeline(2, 2, 2, 2);
        RecordingSink survivor = pipeline.sinks.get(0);
        RecordingSink restarted = pipeline.sinks.get(1);
        pipeline.startSensors();
        await().atMost(AWAIT).until(() -> restarted.size() >= 2);
        pipeline.terminalParts.get(1).kill();
        int seenBeforeStop = survivor.size();
        await().atMost(AWAIT).until(() -> survivor.size() >= seenBeforeStop + 4);
        assertContiguous(survivor.results());

        Instant restartedAt = clock.instant();
        started(transport.startTerminal(pipeline.terminals.get(1)));
        await().atMost(AWAIT).until(() -> !restarted.results().isEmpty()
                && restarted.results().get(restarted.size() - 1).start().isAfter(restartedAt));
        Accounting accounting = pipeline.stopAndDrain(survivor);
        assertTrue(accounting.holds(), accounting::toString);
        assertEverySensorAccountedFor(pipeline);
        assertContiguous(survivor.results());
    }

    @Test
    void invalidRecordsAreRejectedAndCountedWhileTheServersKeepRunning() throws Exception {
        Pipeline pipeline = new Pipeline(1, 1, 2, 2);
        Sensor air = pipeline.sensors.get(0);
        Sensor pollution = pipeline.sensors.get(1);
        Instant now = clock.instant();
        air.emit(new RawMeteoData(air.settings().id(), 1, now, 21.0, 150.0));
        air.emit(new RawMeteoData(air.settings().id(), 2, now, Double.NaN, 40.0));
        pollution.emit(new RawPollutionData(pollution.settings().id(), 1, now, -3));
        pollution.emit(new RawPollutionData(pollution.settings().id(), 2, now.plus(Duration.ofHours(1)), 400));
        await().atMost(AWAIT).until(() -> store.rejectedCount() >= 4);

        pipeline.startSensors();
        pipeline.awaitSent(200);
        Accounting accounting = pipeline.stopAndDrain(pipeline.sinks.get(0));
        assertEquals(4, accounting.rejected());
        assertPipelineCorrect(pipeline, accounting);
    }

    @Test
    void aFleetOfSensorsOnOneSharedPublisherIsAccountedForSensorBySensor() throws Exception {
        Pipeline pipeline = new Pipeline(0, 0, 2, 2);
        pipeline.addFleet(SensorType.AIR, 100, Duration.ofMillis(200));
        pipeline.addFleet(SensorType.POLLUTION, 100, Duration.ofMillis(200));
        pipeline.startSensors();
        pipeline.awaitSent(1_500);
        Accounting accounting = pipeline.stopAndDrain(pipeline.sinks.get(0));
        assertPipelineCorrect(pipeline, accounting);
        assertEquals(0, accounting.rejected());
        assertTrue(pipeline.allSensors().stream().allMatch(sensor -> sensor.stats().confirmed() > 0),
                "a sensor of the fleets had no record confirmed");
    }

    @Test
    void fiveServersAndFiveTerminalsWorkLikeTwo() throws Exception {
        Pipeline pipeline = new Pipeline(2, 2, 5, 5);
        pipeline.startSensors();
        pipeline.awaitSent(500);
        Accounting accounting = pipeline.stopAndDrain(pipeline.sinks.get(0));
        assertPipelineCorrect(pipeline, accounting);
        for (ComputeNode node : pipeline.nodes) {
            assertTrue(node.stats().processed() > 0, node.settings().id() + " processed nothing");
        }
    }
}
