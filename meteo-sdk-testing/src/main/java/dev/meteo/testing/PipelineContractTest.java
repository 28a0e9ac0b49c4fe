package dev.meteo.testing;

import dev.meteo.compute.ComputeNode;
import dev.meteo.model.Accounting;
import dev.meteo.model.RawMeteoData;
import dev.meteo.model.RawPollutionData;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.sensor.Sensor;
import dev.meteo.sensor.SensorType;
import dev.meteo.terminal.RecordingSink;
import dev.meteo.transport.Transport;
import dev.meteo.window.WindowSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

    private static final Duration AWAIT = Duration.ofSeconds(60);

    protected final Clock clock = Clock.systemUTC();
    protected RedisMeteoStore store;
    protected Transport transport;
    protected String runId;
    private final List<RunningPipeline> pipelines = new ArrayList<>();

    @BeforeEach
    void setUpContract() throws Exception {
        store = createStore();
        runId = UUID.randomUUID().toString().substring(0, 8);
        transport = createTransport(runId);
    }

    @AfterEach
    void tearDownContract() throws Exception {
        List<String> terminalIds = new ArrayList<>();
        for (RunningPipeline pipeline : pipelines) {
            pipeline.close();
            pipeline.terminals().forEach(terminal -> terminalIds.add(terminal.id()));
        }
        transport.close();
        cleanUp(runId, terminalIds);
        store.deleteAll();
        store.close();
    }

    /** The deployment a test runs: the mode's transport on this test's store, sensors not started yet. */
    private RunningPipeline pipeline(int airSensors, int pollutionSensors, int servers, int terminals) throws Exception {
        RunningPipeline pipeline = RunningPipeline.on(transport, store).runId(runId).window(window())
                .sensors(airSensors, pollutionSensors, Duration.ofMillis(5)).servers(servers).terminals(terminals).start();
        pipelines.add(pipeline);
        return pipeline;
    }

    @Test
    void everyRecordSentEndsUpInExactlyOneWindowAndEveryTerminalSeesTheSameWindows() throws Exception {
        RunningPipeline pipeline = pipeline(2, 2, 2, 2);
        pipeline.startSensors();
        pipeline.awaitSent(400, AWAIT);
        Accounting accounting = pipeline.stopAndDrain(pipeline.sinks().get(0), AWAIT);
        pipeline.assertExactlyOnce(accounting);
        assertEquals(0, accounting.rejected());
    }

    @Test
    void theLoadIsSpreadOverTheServers() throws Exception {
        RunningPipeline pipeline = pipeline(2, 2, 2, 2);
        pipeline.startSensors();
        pipeline.awaitSent(600, AWAIT);
        Accounting accounting = pipeline.stopAndDrain(pipeline.sinks().get(0), AWAIT);
        assertTrue(accounting.holds(), accounting::toString);
        pipeline.assertEverySensorAccountedFor();
        long total = pipeline.nodes().stream().mapToLong(node -> node.stats().processed()).sum();
        for (ComputeNode node : pipeline.nodes()) {
            double share = (double) node.stats().processed() / total;
            assertTrue(share >= minimumFairShare() / pipeline.nodes().size(),
                    node.settings().id() + " processed " + node.stats().processed() + " of " + total);
        }
    }

    @Test
    void aComputeServerStoppedMidRunLosesNothingAndCountsNothingTwice() throws Exception {
        RunningPipeline pipeline = pipeline(2, 2, 2, 2);
        pipeline.startSensors();
        pipeline.awaitSent(200, AWAIT);
        pipeline.serverParts().get(0).kill();
        long stoppedAt = pipeline.sent();
        pipeline.awaitSent(stoppedAt + 300, AWAIT);
        Accounting accounting = pipeline.stopAndDrain(pipeline.sinks().get(0), AWAIT);
        pipeline.assertExactlyOnce(accounting);
        assertTrue(pipeline.nodes().get(1).stats().processed() > 0, "the surviving server processed nothing");
    }

    @Test
    void aStoppedTerminalDoesNotHoldUpTheOthersAndReceivesAgainAfterRestart() throws Exception {
        RunningPipeline pipeline = pipeline(2, 2, 2, 2);
        RecordingSink survivor = pipeline.sinks().get(0);
        RecordingSink restarted = pipeline.sinks().get(1);
        pipeline.startSensors();
        await().atMost(AWAIT).until(() -> restarted.size() >= 2);
        pipeline.terminalParts().get(1).kill();
        int seenBeforeStop = survivor.size();
        await().atMost(AWAIT).until(() -> survivor.size() >= seenBeforeStop + 4);
        RunningPipeline.assertContiguous(survivor.results());

        Instant restartedAt = clock.instant();
        pipeline.restartTerminal(1);
        await().atMost(AWAIT).until(() -> !restarted.results().isEmpty()
                && restarted.results().get(restarted.size() - 1).start().isAfter(restartedAt));
        Accounting accounting = pipeline.stopAndDrain(survivor, AWAIT);
        assertTrue(accounting.holds(), accounting::toString);
        pipeline.assertEverySensorAccountedFor();
        RunningPipeline.assertContiguous(survivor.results());
    }

    @Test
    void invalidRecordsAreRejectedAndCountedWhileTheServersKeepRunning() throws Exception {
        RunningPipeline pipeline = pipeline(1, 1, 2, 2);
        Sensor air = pipeline.sensors().get(0);
        Sensor pollution = pipeline.sensors().get(1);
        Instant now = clock.instant();
        air.emit(new RawMeteoData(air.settings().id(), 1, now, 21.0, 150.0));
        air.emit(new RawMeteoData(air.settings().id(), 2, now, Double.NaN, 40.0));
        pollution.emit(new RawPollutionData(pollution.settings().id(), 1, now, -3));
        pollution.emit(new RawPollutionData(pollution.settings().id(), 2, now.plus(Duration.ofHours(1)), 400));
        await().atMost(AWAIT).until(() -> store.rejectedCount() >= 4);

        pipeline.startSensors();
        pipeline.awaitSent(200, AWAIT);
        Accounting accounting = pipeline.stopAndDrain(pipeline.sinks().get(0), AWAIT);
        assertEquals(4, accounting.rejected());
        pipeline.assertExactlyOnce(accounting);
    }

    @Test
    void aFleetOfSensorsOnOneSharedPublisherIsAccountedForSensorBySensor() throws Exception {
        RunningPipeline pipeline = pipeline(0, 0, 2, 2);
        pipeline.addFleet(SensorType.AIR, 100, Duration.ofMillis(200));
        pipeline.addFleet(SensorType.POLLUTION, 100, Duration.ofMillis(200));
        pipeline.startSensors();
        pipeline.awaitSent(1_500, AWAIT);
        Accounting accounting = pipeline.stopAndDrain(pipeline.sinks().get(0), AWAIT);
        pipeline.assertExactlyOnce(accounting);
        assertEquals(0, accounting.rejected());
        assertTrue(pipeline.allSensors().stream().allMatch(sensor -> sensor.stats().confirmed() > 0),
                "a sensor of the fleets had no record confirmed");
    }

    @Test
    void fiveServersAndFiveTerminalsWorkLikeTwo() throws Exception {
        RunningPipeline pipeline = pipeline(2, 2, 5, 5);
        pipeline.startSensors();
        pipeline.awaitSent(500, AWAIT);
        Accounting accounting = pipeline.stopAndDrain(pipeline.sinks().get(0), AWAIT);
        pipeline.assertExactlyOnce(accounting);
        for (ComputeNode node : pipeline.nodes()) {
            assertTrue(node.stats().processed() > 0, node.settings().id() + " processed nothing");
        }
    }
}
