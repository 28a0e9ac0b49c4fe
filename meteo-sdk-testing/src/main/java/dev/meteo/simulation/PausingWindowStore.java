package dev.meteo.simulation;

import dev.meteo.model.CoefficientKind;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.WindowResult;
import dev.meteo.store.SensorCounts;
import dev.meteo.store.WindowStore;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The store as one proxy instance reaches it. When the simulator arms it, the proxy stands still just before one of
 * its next store calls (between acquiring the lease and closing a window, between publishing a window and marking it
 * published, ...) while the rest of the deployment runs on; then the call goes to the store, which must fence it. A
 * proxy instance that crashed meanwhile calls nothing more: {@link ProcessKilled} unwinds its step.
 */
final class PausingWindowStore implements WindowStore {

    /** The instance was killed while it stood still: its step ends here, as the process did. */
    static final class ProcessKilled extends Error {
        ProcessKilled() {
            super("the proxy instance was killed", null, false, false);
        }
    }

    private final WindowStore store;
    private final SimulatedProxy proxy;
    private final int incarnation;
    private final EventLoop loop;
    private int callsBeforePause = -1;
    private long pauseMillis;

    PausingWindowStore(WindowStore store, SimulatedProxy proxy, int incarnation, EventLoop loop) {
        this.store = store;
        this.proxy = proxy;
        this.incarnation = incarnation;
        this.loop = loop;
    }

    /** The proxy stands still for {@code millis} before its {@code calls}-th store call from now (1: the next one). */
    void pauseBeforeCall(int calls, long millis) {
        this.callsBeforePause = calls;
        this.pauseMillis = millis;
    }

    private void beforeCall() {
        if (proxy.incarnation() != incarnation) {
            throw new ProcessKilled();
        }
        if (callsBeforePause > 0 && --callsBeforePause == 0 && !loop.nested()) {
            loop.runFor(pauseMillis);
            if (proxy.incarnation() != incarnation) {
                throw new ProcessKilled();
            }
        }
    }

    @Override
    public boolean acquireLease(String owner, Duration ttl) {
        beforeCall();
        return store.acquireLease(owner, ttl);
    }

    @Override
    public void releaseLease(String owner) {
        beforeCall();
        store.releaseLease(owner);
    }

    @Override
    public String leaseHolder() {
        beforeCall();
        return store.leaseHolder();
    }

    @Override
    public long initialiseHorizon(long horizonMillis, long windowSizeMillis, long graceMillis, long floorMillis) {
        beforeCall();
        return store.initialiseHorizon(horizonMillis, windowSizeMillis, graceMillis, floorMillis);
    }

    @Override
    public String epoch() {
        beforeCall();
        return store.epoch();
    }

    @Override
    public long closedHorizon() {
        beforeCall();
        return store.closedHorizon();
    }

    @Override
    public long publishedHorizon() {
        beforeCall();
        return store.publishedHorizon();
    }

    @Override
    public CloseOutcome closeWindow(String owner, long start, long end, long closeAtMillis) {
        beforeCall();
        return store.closeWindow(owner, start, end, closeAtMillis);
    }

    @Override
    public KindStatistics windowStatistics(CoefficientKind kind, long start, long end) {
        beforeCall();
        return store.windowStatistics(kind, start, end);
    }

    @Override
    public long windowSizeMillis() {
        beforeCall();
        return store.windowSizeMillis();
    }

    @Override
    public long graceMillis() {
        beforeCall();
        return store.graceMillis();
    }

    @Override
    public void markPublished(String owner, long end) {
        beforeCall();
        store.markPublished(owner, end);
    }

    @Override
    public long lateCount() {
        beforeCall();
        return store.lateCount();
    }

    @Override
    public long rejectedCount() {
        beforeCall();
        return store.rejectedCount();
    }

    @Override
    public Map<String, SensorCounts> sensorCounts() {
        beforeCall();
        return store.sensorCounts();
    }

    /**
     * Not a call the pause counts: besides at every new horizon, the aggregator trims every 10 s of real time, which a
     * run of milliseconds rarely reaches, and a repeated trim with the same cutoff changes nothing; counted, it would
     * move where a pause lands when a run is slow.
     */
    @Override
    public void trim(long windowsBeforeMillis, long resultsBeforeMillis, Duration sensorlessRetention,
                     Duration sensorIdle) {
        if (proxy.incarnation() != incarnation) {
            throw new ProcessKilled();
        }
        store.trim(windowsBeforeMillis, resultsBeforeMillis, sensorlessRetention, sensorIdle);
    }

    @Override
    public List<WindowResult> resultsBetween(long afterEndMillis, long upToEndMillis) {
        beforeCall();
        return store.resultsBetween(afterEndMillis, upToEndMillis);
    }

    @Override
    public void close() {
        // the store is the deployment's, not this proxy's
    }
}
