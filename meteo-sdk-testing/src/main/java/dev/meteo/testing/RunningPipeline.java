package dev.meteo.testing;

import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.model.Accounting;
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

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One running deployment of any {@link Transport} on a real store, started in the order a careful operator would: the
 * load balancer (where the mode has one), servers, the result publisher (direct mode: the registry terminals register
 * with), terminals, the aggregator, and the sensors last ({@link #startSensors()}). The contract suite and the fault
 * drills (a Redis primary, a broker node, a load balancer killed) build their pipeline here, and prove exactly once
 * with {@link #assertExactlyOnce}. Closing it closes every part, newest first; the transport and the store stay the
 * caller's.
 */
public final class RunningPipeline implements AutoCloseable {

    /** How a pipeline is made: counts of each role, the window, the lease, how long a part may take to be ready. */
    public static final class Builder {
        private final Transport transport;
        private final RedisMeteoStore store;
        private String runId = "run";
        private WindowSpec window = WindowSpec.of(Duration.ofMillis(400), Duration.ofMillis(400));
        private Duration lease; // null: the aggregator's default
        private Duration pollInterval;
        private int airSensors = 2;
        private int pollutionSensors = 2;
        private int servers = 2;
        private int terminals = 2;
        private Duration sensorInterval = Duration.ofMillis(5);
        private Duration ready = Duration.ofSeconds(10);

        private Builder(Transport transport, RedisMeteoStore store) {
            this.transport = transport;
            this.store = store;
        }

        /** Part of every id (terminals, sensors, proxy), so runs on shared servers never mix. */
        public Builder runId(String id) {
            this.runId = id;
            return this;
        }

        public Builder window(WindowSpec spec) {
            this.window = spec;
            return this;
        }

        public Builder lease(Duration duration, Duration poll) {
            this.lease = duration;
            this.pollInterval = poll;
            return this;
        }

        public Builder sensors(int air, int pollution, Duration interval) {
            this.airSensors = air;
            this.pollutionSensors = pollution;
            this.sensorInterval = interval;
            return this;
        }

        public Builder servers(int count) {
            this.servers = count;
            return this;
        }

        public Builder terminals(int count) {
            this.terminals = count;
            return this;
        }

        /** How long a server or terminal may take to be known to its peers (a cluster's first connections are slow). */
        public Builder ready(Duration timeout) {
            this.ready = timeout;
            return this;
        }

        public RunningPipeline start() throws Exception {
            RunningPipeline pipeline = new RunningPipeline(this);
            try {
                pipeline.startParts();
                return pipeline;
            } catch (Exception | Error e) {
                pipeline.close();
                throw e;
            }
        }
    }

    public static Builder on(Transport transport, RedisMeteoStore store) {
        return new Builder(transport, store);
    }

    private final Builder plan;
    private final Clock clock = Clock.systemUTC();
    private final Closer closer = new Closer();
    private final List<ComputeNode> nodes = new ArrayList<>();
    private final List<Transport.Running> serverParts = new ArrayList<>();
    private final List<Terminal> terminals = new ArrayList<>();
    private final List<RecordingSink> sinks = new ArrayList<>();
    private final List<Transport.Running> terminalParts = new ArrayList<>();
    private final List<Sensor> sensors = new ArrayList<>();
    private final List<SensorFleet> fleets = new ArrayList<>();
    private Transport.Running loadBalancer;
    private WindowAggregator aggregator;

    private RunningPipeline(Builder plan) {
        this.plan = plan;
    }

    private void startParts() throws Exception {
        loadBalancer = started(plan.transport.startLoadBalancer());
        for (int i = 0; i < plan.servers; i++) {
            ComputeNode node = closer.add(new ComputeNode(ComputeSettings.of("server-" + i), plan.store, clock));
            nodes.add(node);
            serverParts.add(started(plan.transport.startComputeServer(node)));
        }
        WindowResultPublisher publisher = closer.add(plan.transport.openResultPublisher(plan.store));
        for (int i = 0; i < plan.terminals; i++) {
            RecordingSink sink = new RecordingSink();
            Terminal terminal = new Terminal("terminal-" + plan.runId + "-" + i, List.of(sink));
            terminals.add(terminal);
            sinks.add(sink);
            terminalParts.add(started(plan.transport.startTerminal(terminal)));
        }
        AggregatorSettings settings = AggregatorSettings.of(plan.window, "proxy-" + plan.runId);
        if (plan.lease != null) {
            settings = settings.withLease(plan.lease, plan.pollInterval);
        }
        aggregator = closer.add(new WindowAggregator(settings, plan.store, publisher, clock)).start();
        for (int i = 0; i < plan.airSensors + plan.pollutionSensors; i++) {
            SensorType type = i < plan.airSensors ? SensorType.AIR : SensorType.POLLUTION;
            String id = type.name().toLowerCase() + "-" + plan.runId + "-" + i;
            RecordPublisher recordPublisher = closer.add(plan.transport.openRecordPublisher(id));
            sensors.add(closer.add(new Sensor(
                    SensorSettings.of(id, type).withInterval(plan.sensorInterval).withSeed(i), recordPublisher, clock)));
        }
    }

    /** A running part once its peers know it (registered, queue bound), closed with the pipeline. */
    private Transport.Running started(Transport.Running part) throws Exception {
        closer.add(part);
        part.ready().get(plan.ready.toMillis(), TimeUnit.MILLISECONDS);
        return part;
    }

    /** Adds {@code count} sensors of {@code type} in one fleet, on one publisher from the mode's fleet publisher. */
    public SensorFleet addFleet(SensorType type, int count, Duration interval) {
        String prefix = "fleet-" + type.name().toLowerCase() + "-" + plan.runId;
        RecordPublisher shared = closer.add(plan.transport.openFleetPublisher(prefix));
        SensorSettings template = SensorSettings.of(prefix, type).withInterval(interval).withSeed(fleets.size());
        SensorFleet fleet = closer.add(new SensorFleet(SensorFleet.numbered(template, count), shared, clock));
        fleets.add(fleet);
        return fleet;
    }

    public void startSensors() {
        sensors.forEach(Sensor::start);
        fleets.forEach(SensorFleet::start);
    }

    /** Starts terminal {@code index} again after it was killed; it keeps its id and its sink. */
    public void restartTerminal(int index) throws Exception {
        terminalParts.set(index, started(plan.transport.startTerminal(terminals.get(index))));
    }

    /** The lone sensors and every fleet's. */
    public List<Sensor> allSensors() {
        List<Sensor> all = new ArrayList<>(sensors);
        fleets.forEach(fleet -> all.addAll(fleet.sensors()));
        return all;
    }

    public long sent() {
        return allSensors().stream().mapToLong(sensor -> sensor.stats().sent()).sum();
    }

    public void awaitSent(long atLeast, Duration atMost) {
        await().atMost(atMost).until(() -> sent() >= atLeast);
    }

    /** Waits until the first terminal holds {@code count} more windows than now. */
    public void awaitMoreWindows(int count, Duration atMost) {
        RecordingSink reference = sinks.get(0);
        int now = reference.size();
        await().atMost(atMost).until(() -> reference.size() >= now + count);
    }

    /**
     * Stops the sensors (waiting for their confirmations), then waits until every record is accounted for at the
     * {@code reference} terminal and a window after the stop has reached it.
     */
    public Accounting stopAndDrain(RecordingSink reference, Duration atMost) throws InterruptedException {
        for (Sensor sensor : sensors) {
            sensor.close();
        }
        for (SensorFleet fleet : fleets) {
            fleet.close();
        }
        long sent = sent();
        long stoppedAt = clock.millis();
        RedisMeteoStore store = plan.store;
        await().atMost(atMost).until(() -> lastEnd(reference) > stoppedAt
                && inWindows(reference) + store.lateCount() + store.rejectedCount() >= sent);
        return new Accounting(sent, inWindows(reference), store.lateCount(), store.rejectedCount(), 0);
    }

    /**
     * Exactly once, by counting: the totals add up; per sensor every confirmed record is classified once and nothing
     * more than it sent; every terminal's windows are contiguous and the same as the others'.
     */
    public void assertExactlyOnce(Accounting accounting) {
        assertTrue(accounting.sent() > 0, "no record was sent");
        assertTrue(accounting.holds(), accounting::toString);
        assertEverySensorAccountedFor();
        for (RecordingSink sink : sinks) {
            assertContiguous(sink.results());
        }
        assertIdenticalSequences(sinks);
    }

    /**
     * Per sensor, every confirmed record is classified once (in a window, late or rejected) and nothing more than it
     * sent: a loss in one place and a double count in another cannot cancel out as they can in the totals.
     */
    public void assertEverySensorAccountedFor() {
        Map<String, SensorCounts> counts = plan.store.sensorCounts();
        for (Sensor sensor : allSensors()) {
            Sensor.Stats stats = sensor.stats();
            String problem = counts.getOrDefault(sensor.settings().id(), SensorCounts.NONE)
                    .check(stats.confirmed(), stats.failed());
            assertNull(problem, () -> "sensor " + sensor.settings().id() + ": " + problem);
        }
    }

    /** Windows follow each other without a gap or a repeat. */
    public static void assertContiguous(List<WindowResult> results) {
        for (int i = 1; i < results.size(); i++) {
            assertEquals(results.get(i - 1).end(), results.get(i).start(),
                    "window " + i + " does not start where window " + (i - 1) + " ended");
        }
    }

    /** Every terminal received the same windows (compared over the windows all of them have). */
    public static void assertIdenticalSequences(List<RecordingSink> sinks) {
        int common = sinks.stream().mapToInt(RecordingSink::size).min().orElse(0);
        assertTrue(common > 0, "terminals received no window");
        List<WindowResult> expected = sinks.get(0).results().subList(0, common);
        for (int i = 1; i < sinks.size(); i++) {
            assertEquals(expected, sinks.get(i).results().subList(0, common), "terminal " + i + " differs from terminal 0");
        }
    }

    private static long inWindows(RecordingSink sink) {
        return sink.results().stream().mapToLong(WindowResult::recordCount).sum();
    }

    private static long lastEnd(RecordingSink sink) {
        List<WindowResult> results = sink.results();
        return results.isEmpty() ? Long.MIN_VALUE : results.get(results.size() - 1).end().toEpochMilli();
    }

    public Transport.Running loadBalancer() {
        return loadBalancer;
    }

    public List<ComputeNode> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    public List<Transport.Running> serverParts() {
        return Collections.unmodifiableList(serverParts);
    }

    public List<Terminal> terminals() {
        return Collections.unmodifiableList(terminals);
    }

    public List<RecordingSink> sinks() {
        return Collections.unmodifiableList(sinks);
    }

    public List<Transport.Running> terminalParts() {
        return Collections.unmodifiableList(terminalParts);
    }

    /** The lone sensors (not the fleets'), not started until {@link #startSensors()}. */
    public List<Sensor> sensors() {
        return Collections.unmodifiableList(sensors);
    }

    public WindowAggregator aggregator() {
        return aggregator;
    }

    @Override
    public void close() {
        closer.close();
    }
}
