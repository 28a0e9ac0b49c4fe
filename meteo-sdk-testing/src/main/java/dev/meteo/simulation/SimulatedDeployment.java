package dev.meteo.simulation;

import dev.meteo.sensor.SensorType;
import dev.meteo.store.StoreUnavailableException;
import dev.meteo.testing.InMemoryStore;
import dev.meteo.testing.MutableClock;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * One seed's deployment: sensors, compute nodes, two proxies (one active, one standby), two terminals and the
 * in-memory store, wired through the simulated record and result paths, on one {@link EventLoop}. The seed decides
 * the shape (how many sensors and nodes, their rates), the schedule (which due event runs next, every latency) and the
 * faults ({@link FaultPlan}). {@link #run()} lets the sensors emit, then drains: the sensors stop, the network heals,
 * and time runs on until every record is settled, every window with records closed and published and every terminal
 * caught up.
 */
final class SimulatedDeployment {

    /** A window boundary in 2025; each seed starts somewhere in the window after it. */
    static final long EPOCH_MILLIS = 1_750_000_000_000L;
    /** The drain ends by then, or the run fails: something did not recover. */
    static final long DRAIN_LIMIT_MILLIS = 10 * 60_000;
    private static final int MAX_UNEXPECTED = 10;

    final long seed;
    final SimulationSettings settings;
    final SplittableRandom random;
    final MutableClock clock;
    final EventLoop loop;
    final Trace trace;
    final InMemoryStore store;
    final NetworkConditions network = new NetworkConditions();
    final List<SimulatedNode> nodes = new ArrayList<>();
    final List<SimulatedSensor> sensors = new ArrayList<>();
    final List<SimulatedProxy> proxies = new ArrayList<>();
    final List<SimulatedTerminal> terminals = new ArrayList<>();
    final RecordPath recordPath;
    final ResultPath resultPath;
    final FaultPlan plan;
    final long startMillis;
    private final List<String> unexpected = new ArrayList<>();
    private int outages;
    private int fullSpells;
    private boolean draining;
    private boolean drained;

    SimulatedDeployment(SimulationSettings settings, long seed, Consumer<String> traceLines) {
        this.seed = seed;
        this.settings = settings;
        this.random = new SplittableRandom(seed);
        this.startMillis = EPOCH_MILLIS + random.nextLong(SimulatedProxy.WINDOW.sizeMillis());
        this.clock = MutableClock.at(startMillis);
        this.loop = new EventLoop(clock, random);
        this.trace = new Trace(traceLines);
        trace.startsAt(startMillis);
        this.store = settings.identitiesForgottenAtTrim() ? InMemoryStore.forgettingIdentitiesAtTrim(clock)
                : settings.storeRangeLimit() != InMemoryStore.MAX_RANGES
                ? InMemoryStore.withRangeLimit(clock, settings.storeRangeLimit()) : new InMemoryStore(clock);

        int nodeCount = 2 + random.nextInt(2);
        int maxBatch = 1 + random.nextInt(32);
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(new SimulatedNode("node-" + i, maxBatch, this));
        }
        for (int i = 0; i < 2; i++) {
            terminals.add(new SimulatedTerminal("terminal-" + i));
        }
        this.recordPath = new RecordPath(this, nodes);
        this.resultPath = new ResultPath(this, terminals, store, settings.terminalsTakeAGapOnSecondOffer());
        for (int i = 0; i < 2; i++) {
            proxies.add(new SimulatedProxy("proxy-" + i, this));
        }
        int air = 1 + random.nextInt(2);
        int pollution = 1 + random.nextInt(2);
        for (int i = 0; i < air + pollution; i++) {
            SensorType type = i < air ? SensorType.AIR : SensorType.POLLUTION;
            sensors.add(new SimulatedSensor("sensor-" + i, type, settings.sensorIntervalMillis()[0]
                    + random.nextLong(settings.sensorIntervalMillis()[1] - settings.sensorIntervalMillis()[0] + 1),
                    random.nextLong(), this));
        }
        this.plan = FaultPlan.draw(settings.faults(), random.split(), new FaultPlan.Shape(nodes.size(), proxies.size(),
                sensors.size(), terminals.size(), settings.sensorsRun().toMillis()));
    }

    /** Runs the sensors for the settings' time, then drains (bounded by {@link #DRAIN_LIMIT_MILLIS}). */
    void run() {
        nodes.forEach(node -> node.start(store));
        terminals.forEach(SimulatedTerminal::start);
        // proxies and sensors start in any order: records stored before the first proxy wait for its horizon
        for (SimulatedProxy proxy : proxies) {
            loop.after(random.nextLong(3_000), proxy::start);
        }
        for (SimulatedSensor sensor : sensors) {
            loop.after(random.nextLong(2_000), sensor::emitNow);
        }
        for (SimulatedTerminal terminal : terminals) {
            loop.after(random.nextLong(2_000), () -> resultPath.renewRegistrations(terminal));
        }
        for (FaultPlan.Fault fault : plan.faults()) {
            loop.at(startMillis + fault.atMillis(), () -> inject(fault));
        }
        long stopAt = startMillis + settings.sensorsRun().toMillis();
        while (loop.step(stopAt)) {
            // one event per step
        }
        clock.setMillis(Math.max(clock.millis(), stopAt));
        draining = true;
        sensors.forEach(SimulatedSensor::stop);
        network.heal();
        trace.note(loop.now(), "drain: the sensors stop, the network heals");
        while (!drained && loop.step(stopAt + DRAIN_LIMIT_MILLIS)) {
            // one event per step
        }
    }

    private void inject(FaultPlan.Fault fault) {
        long now = loop.now();
        long until = now + fault.durationMillis();
        trace.note(now, fault.description());
        switch (fault.kind()) {
            case REORDER -> network.maxLatencyMillis = fault.amount();
            case DUPLICATE -> network.duplicateRate = fault.amount() / 100.0;
            case LOSE_REPLY -> network.lostReplyRate = fault.amount() / 100.0;
            case DELAY_DELIVERY -> network.delayRate = fault.amount() / 100.0;
            case INVALID_RECORDS -> network.invalidRate = fault.amount() / 100.0;
            case SLOW_TERMINAL -> {
                network.slowTerminalRate = fault.amount() / 100.0;
                network.lostTerminalAnswerRate = fault.amount2() / 100.0;
            }
            case CRASH_NODE -> {
                SimulatedNode node = nodes.get(fault.target());
                if (!node.down()) {
                    node.crash();
                    loop.at(until, () -> node.start(store));
                }
            }
            case PAUSE_NODE -> nodes.get(fault.target()).pauseUntil(until);
            case PAUSE_PROXY -> {
                SimulatedProxy proxy = proxies.get(fault.target());
                if (proxy.down()) {
                    return;
                }
                if (fault.amount() == 0) {
                    proxy.pauseUntil(until);
                } else {
                    proxy.pauseInStep((int) fault.amount(), fault.durationMillis());
                }
            }
            case CRASH_PROXY -> {
                SimulatedProxy proxy = proxies.get(fault.target());
                if (!proxy.down()) {
                    proxy.crash();
                    loop.at(until, proxy::start);
                }
            }
            case STORE_UNAVAILABLE -> {
                store.setUnavailable(++outages > 0);
                loop.at(until, () -> store.setUnavailable(--outages > 0));
            }
            case STORE_FULL -> {
                store.setFull(++fullSpells > 0);
                loop.at(until, () -> store.setFull(--fullSpells > 0));
            }
            case PROXY_CLOCK -> offsetFor(proxies.get(fault.target()).clock, fault.amount(), until);
            case NODE_CLOCK -> offsetFor(nodes.get(fault.target()).clock, fault.amount(), until);
            case SENSOR_CLOCK -> offsetFor(sensors.get(fault.target()).clock, fault.amount(), until);
            case CRASH_TERMINAL -> {
                SimulatedTerminal terminal = terminals.get(fault.target());
                if (!terminal.down()) {
                    terminal.crash();
                    loop.at(until, () -> {
                        terminal.start();
                        resultPath.registerEverywhere(terminal);
                    });
                }
            }
        }
    }

    private void offsetFor(OffsetClock clock, long offsetMillis, long untilMillis) {
        clock.setOffsetMillis(offsetMillis);
        loop.at(untilMillis, () -> clock.setOffsetMillis(0));
    }

    /** A random latency for a delivery, a reply or a write: a few ms, or up to the reorder fault's bound. */
    long latency() {
        return 1 + random.nextLong(network.maxLatencyMillis);
    }

    boolean chance(double rate) {
        return rate > 0 && random.nextDouble() < rate;
    }

    /** Something the SDK must never do happened (an exception no caller expects): the run fails with it. */
    void unexpected(String what) {
        trace.note(loop.now(), "UNEXPECTED " + what);
        if (unexpected.size() < MAX_UNEXPECTED) {
            unexpected.add(what);
        }
    }

    /** What the plan's rates came to in this run, e.g. {@code "41 copies, 12 replies lost"}; empty when nothing. */
    String rateFaultsInjected() {
        List<String> parts = new ArrayList<>();
        long invalid = sensors.stream().mapToLong(SimulatedSensor::invalidReadings).sum();
        for (Object[] count : new Object[][] {{recordPath.duplicated, "record copies"},
                {recordPath.repliesLost, "replies lost"}, {recordPath.delayed, "deliveries delayed"},
                {resultPath.slowCalls, "terminal calls late"}, {resultPath.answersLost, "terminal answers lost"},
                {invalid, "invalid readings"}}) {
            if ((long) count[0] > 0) {
                parts.add(count[0] + " " + count[1]);
            }
        }
        return String.join(", ", parts);
    }

    List<String> unexpectedEvents() {
        return List.copyOf(unexpected);
    }

    /** After every proxy step: during the drain, whether everything has settled. */
    void afterProxyStep() {
        if (draining && !drained && notDrainedBecause() == null) {
            drained = true;
            trace.note(loop.now(), "drained");
        }
    }

    boolean drained() {
        return drained;
    }

    /** What is not settled yet, or {@code null} when everything is. */
    String notDrainedBecause() {
        for (SimulatedSensor sensor : sensors) {
            if (sensor.sensor.stats().inFlight() != 0) {
                return "sensor " + sensor.id + " has " + sensor.sensor.stats().inFlight() + " records in flight";
            }
        }
        if (!recordPath.quiet()) {
            return "record deliveries or replies are on the way";
        }
        if (!resultPath.quiet()) {
            return "calls to terminals are on the way";
        }
        for (SimulatedNode node : nodes) {
            if (!node.idle()) {
                return "compute node " + node.id + " has writes waiting";
            }
        }
        long closed;
        long published;
        try {
            closed = store.closedHorizon();
            published = store.publishedHorizon();
        } catch (StoreUnavailableException e) {
            return "the store is unavailable";
        }
        if (closed == Long.MIN_VALUE) {
            return "no proxy initialised the horizons";
        }
        long latest = sensors.stream().mapToLong(SimulatedSensor::latestDetectionMillis).max().orElse(Long.MIN_VALUE);
        if (latest != Long.MIN_VALUE && closed < SimulatedProxy.WINDOW.windowEnd(latest)) {
            return "the window of the latest record is not closed (closed horizon " + closed + ", record at " + latest + ")";
        }
        if (published != closed) {
            return "windows closed up to " + closed + " are published up to " + published;
        }
        for (SimulatedTerminal terminal : terminals) {
            if (terminal.down()) {
                return "terminal " + terminal.id + " is down";
            }
            if (terminal.lastEndMillis() != closed) {
                return "terminal " + terminal.id + " holds windows up to " + terminal.lastEndMillis() + ", not " + closed;
            }
        }
        return null;
    }
}
