package dev.meteo.cli.command;

import dev.meteo.cli.io.Console;
import dev.meteo.cli.io.Logs;
import dev.meteo.cli.metrics.MetricsEndpoint;
import dev.meteo.cli.metrics.RoleMetrics;
import dev.meteo.cli.metrics.RoleReport;
import dev.meteo.cli.options.DurationConverter;
import dev.meteo.cli.options.MetricsOptions;
import dev.meteo.cli.options.SignedDurationConverter;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.transport.AccessRefusedException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The life of every long-running role: start it, print a status line now and then, and on Ctrl-C / SIGTERM (or at
 * the end of {@code --duration}) close it gracefully, then write its final meters to {@code --status-file}.
 */
public abstract class RoleCommand implements Callable<Integer> {

    /** A started role, closed on shutdown; what it measures is in its {@link RoleMetrics}. */
    public interface Running extends AutoCloseable {

        /**
         * Binds the role's parts to its meters (called once, right after start): the status line, the status file and
         * {@code /metrics} all read them.
         */
        void bindMetrics(RoleMetrics metrics);

        /** Each sensor's final counters, for a process that ran a fleet of them, once closed; else empty. */
        default List<RoleReport.SensorCounts> sensors() {
            return List.of();
        }

        /** Why the role cannot go on (it stopped by itself, e.g. a store that lost its state), or {@code null}. */
        default String fatal() {
            return null;
        }

        /**
         * Why the role, still running, cannot do its job now (a terminal whose file cannot be written), or
         * {@code null}: {@code /health} answers 503 meanwhile and the status line says it.
         */
        default String problem() {
            return null;
        }
    }

    /** The word a role prints once started ("sensor air-1: ready"), which a parent process waits for. */
    public static final String READY = "ready";

    /** What a role prints once its metrics endpoint is up: {@code "<role>: metrics on http://..."}. */
    public static final String METRICS_ON = ": metrics on ";

    /** Exit code of a role that stopped by itself because it could not go on ({@link Running#fatal()}). */
    static final int FAILED = 3;

    @Option(names = "--duration", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Stop by itself after this long (e.g. 30s, 5m); runs until Ctrl-C when not given.")
    Duration duration;

    @Option(names = "--status-every", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "5s",
            description = "How often to print a status line; 0 for never (default: ${DEFAULT-VALUE}).")
    Duration statusEvery;

    @Option(names = "--status-file", paramLabel = "FILE",
            description = "Write the role's meters (those of /metrics) to FILE as JSON when it stops, marked final, and "
                    + "every --status-file-every while it runs; a parent process reads its children so (default: none).")
    Path statusFile;

    @Option(names = "--status-file-every", converter = DurationConverter.class, paramLabel = "DURATION",
            defaultValue = "1s", description = "How often to rewrite --status-file while running; 0 for only when it "
            + "stops (default: ${DEFAULT-VALUE}).")
    Duration statusFileEvery;

    @Option(names = "--exit-with-parent", hidden = true, description = "Exit when stdin closes (used by demo).")
    boolean exitWithParent;

    @Option(names = "--clock-offset", hidden = true, converter = SignedDurationConverter.class,
            paramLabel = "[-]DURATION", description = "Run this role on a clock this far ahead (or behind, with '-') of "
            + "the machine's, as on a host whose clock is off; for clock-skew drills (default: 0).")
    Duration clockOffset = Duration.ZERO;

    @ArgGroup(validate = false, heading = MetricsOptions.HEADING, order = 100)
    MetricsOptions metricsOptions = new MetricsOptions();

    /** The role's meters, whatever renders them; set before {@link #start()}. */
    protected RoleMetrics metrics;

    /** The role's metrics endpoint while it runs with {@code --metrics-port}, else {@code null}. */
    private MetricsEndpoint endpoint;

    /** The role's clock: the machine's, shifted by {@code --clock-offset} (a clock-skew drill), else as it is. */
    protected Clock clock() {
        return clockOffset.isZero() ? Clock.systemUTC() : Clock.offset(Clock.systemUTC(), clockOffset);
    }

    /** Starts the role; returns once it is running (or throws with a message that says what to fix). */
    protected abstract Running start() throws Exception;

    protected abstract String roleName();

    /** Exit code of a role stopped (end of {@code --duration}, or a signal) while still waiting for its peers. */
    static final int NEVER_STARTED = 1;

    /** Exit code of a role a peer refused (credentials, permissions): a person must fix its configuration. */
    static final int REFUSED = 4;

    @Override
    public final Integer call() throws Exception {
        if (exitWithParent) {
            ParentWatch.install();
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Starting starting = new Starting(Thread.currentThread());
        Runnable requestStop = () -> {
            stop.countDown();
            starting.abort();
        };
        Thread hook = new Thread(() -> {
            requestStop.run();
            try {
                stopped.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(new DaemonThreadFactory("status"));
        if (duration != null) {
            // --duration bounds the whole run, the wait for peers included: a role that never got them still ends.
            ticker.schedule(requestStop, duration.toMillis(), TimeUnit.MILLISECONDS);
        }
        Running running = null;
        String[] name = roleName().split(" ", 2);
        Logs.identify(name[0], name.length > 1 ? name[1] : name[0]);
        try {
            metrics = RoleMetrics.of(name[0], name.length > 1 ? name[1] : name[0]);
            if (metricsOptions.enabled()) {
                endpoint = MetricsEndpoint.start(metrics, metricsOptions.host(), metricsOptions.port());
                Console.info(roleName() + METRICS_ON + endpoint.url());
            }
            try {
                running = start();
            } catch (AccessRefusedException e) {
                Console.info(roleName() + ": STOPPED, " + e.getMessage());
                return REFUSED;
            } catch (Exception e) {
                if (stop.getCount() > 0) {
                    throw e;
                }
                Console.info(roleName() + ": stopped before it started"
                        + (duration == null ? "" : " (--duration " + DurationConverter.format(duration) + " is over)")
                        + ": it was still waiting for its peers");
                return NEVER_STARTED;
            } finally {
                starting.done();
            }
            Running role = running;
            running.bindMetrics(metrics);
            metrics.beforeRead(() -> metrics.describe("problem", role.problem()));
            if (endpoint != null) {
                endpoint.unhealthyWhen(running::problem);
                endpoint.ready();
            }
            Console.info(roleName() + ": " + READY);
            if (!statusEvery.isZero()) {
                ticker.scheduleAtFixedRate(() -> Console.info(roleName() + ": " + metrics.report(false, List.of()).line()),
                        statusEvery.toMillis(), statusEvery.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (statusFile != null && !statusFileEvery.isZero()) {
                ticker.scheduleAtFixedRate(() -> writeStatus(metrics.report(false, List.of())), 0,
                        statusFileEvery.toMillis(), TimeUnit.MILLISECONDS);
            }
            String[] fatal = {null};
            ticker.scheduleWithFixedDelay(() -> {
                if (fatal[0] == null && (fatal[0] = role.fatal()) != null) {
                    if (endpoint != null) {
                        endpoint.failed(fatal[0]);
                    }
                    stop.countDown();
                }
            }, 200, 200, TimeUnit.MILLISECONDS);
            stop.await();
            if (fatal[0] != null) {
                Console.info(roleName() + ": STOPPED, cannot go on: " + fatal[0]);
                return FAILED;
            }
            return 0;
        } finally {
            ticker.shutdownNow();
            if (running != null) {
                Console.info(roleName() + ": stopping");
                running.close();
                RoleReport last = metrics.report(true, running.sensors());
                Console.info(roleName() + ": stopped; " + last.line());
                if (statusFile != null) {
                    ticker.awaitTermination(2, TimeUnit.SECONDS); // a live write in progress must not overwrite the final one
                    writeStatus(last);
                }
            }
            if (endpoint != null) {
                endpoint.close();
            }
            if (metrics != null) {
                metrics.close();
            }
            stopped.countDown();
            if (duration != null || running == null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // already shutting down
                }
            }
        }
    }

    /**
     * The thread that runs {@link #start()}, which may wait for its peers indefinitely ({@link Retry}): a stop request
     * interrupts it, but only while it is still starting, never once the role runs.
     */
    private static final class Starting {
        private final Thread thread;
        private boolean done;

        Starting(Thread thread) {
            this.thread = thread;
        }

        synchronized void abort() {
            if (!done) {
                thread.interrupt();
            }
        }

        synchronized void done() {
            done = true;
            Thread.interrupted(); // a stop that raced with the end of start() is seen through the stop latch
        }
    }

    /**
     * Replaces the status file atomically, so a reader never sees half a document. The one written after a graceful
     * close is marked final: a process killed with SIGKILL leaves only its last live one.
     */
    private void writeStatus(RoleReport report) {
        try {
            report.write(statusFile);
        } catch (IOException | RuntimeException e) {
            Console.info(roleName() + ": cannot write " + statusFile + ": " + e.getMessage());
        }
    }
}
