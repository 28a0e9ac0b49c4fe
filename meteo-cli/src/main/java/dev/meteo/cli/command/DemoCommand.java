package dev.meteo.cli.command;

import dev.meteo.cli.embedded.EmbeddedServices;
import dev.meteo.cli.io.Console;
import dev.meteo.cli.io.Json;
import dev.meteo.cli.io.Logs;
import dev.meteo.cli.metrics.Scrapes;
import dev.meteo.cli.options.BalancerAddress;
import dev.meteo.cli.options.BindOptions;
import dev.meteo.cli.options.DelayRangeConverter;
import dev.meteo.cli.options.DurationConverter;
import dev.meteo.cli.options.Mode;
import dev.meteo.cli.options.ModeOption;
import dev.meteo.cli.options.ProxyAddress;
import dev.meteo.cli.options.RabbitOptions;
import dev.meteo.cli.options.RedisOptions;
import dev.meteo.cli.options.StandardOptions;
import dev.meteo.cli.process.ChildProcess;
import dev.meteo.cli.process.Deployment;
import dev.meteo.cli.process.Drain;
import dev.meteo.cli.process.Fleet;
import dev.meteo.formula.ProcessingDelay;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

@Command(name = "demo",
        description = {"Runs the whole system on this machine, one OS process per role (sensors, compute servers, the "
                + "load balancer in grpc mode, the proxy, terminals), shows the first terminal's live dashboard, and on "
                + "Ctrl-C or after --duration stops everything in order, lets the open windows close, and prints the "
                + "accounting: every record sent is in exactly one window, late, or rejected.",
                "",
                "Each run uses its own Redis key prefix and RabbitMQ names (--redis-prefix and --rabbit-prefix with "
                        + "demo-<run id> appended), so runs never mix. Logs: <data-dir>/<run id>/logs/.",
                ""})
public final class DemoCommand implements Callable<Integer> {

    @Mixin
    StandardOptions standard;

    @Mixin
    ModeOption mode;

    @Option(names = "--air-sensors", paramLabel = "N", defaultValue = "2", description = "Air sensors (default: ${DEFAULT-VALUE}).")
    int airSensors;

    @Option(names = "--pollution-sensors", paramLabel = "N", defaultValue = "2", description = "Pollution sensors (default: ${DEFAULT-VALUE}).")
    int pollutionSensors;

    @Option(names = "--servers", paramLabel = "N", defaultValue = "2", description = "Compute servers (default: ${DEFAULT-VALUE}).")
    int servers;

    @Option(names = "--terminals", paramLabel = "N", defaultValue = "2", description = "Terminals (default: ${DEFAULT-VALUE}).")
    int terminals;

    @Option(names = "--interval", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "500ms",
            description = "Time between two readings of one sensor (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--window", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "2s",
            description = "Tumbling window length Y (default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--grace", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "4s",
            description = "Grace after a window's end; keep it above the largest --delay (default: ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--delay", converter = DelayRangeConverter.class, defaultValue = "0.5s..3.5s", paramLabel = "MIN..MAX",
            description = "Simulated processing time per record, as the assignment's reference (default: ${DEFAULT-VALUE}).")
    ProcessingDelay delay;

    @Option(names = "--duration", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Stop after this long (e.g. 30s); runs until Ctrl-C when not given.")
    Duration duration;

    @Option(names = "--headless", description = "No dashboard: plain progress lines (for CI and scripts).")
    boolean headless;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "meteo-data",
            description = "Where terminals save windows (terminal-<id>.jsonl), the summary and the logs, in a "
                    + "sub-folder per run (default: ${DEFAULT-VALUE}).")
    Path dataRoot;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
            description = "The first terminal's HTTP dashboard port; the others take the next ones; 0 for free ports "
                    + "(default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--no-embedded",
            description = "Fail instead of starting an embedded Redis/broker when the configured one does not answer.")
    boolean noEmbedded;

    @ArgGroup(validate = false, heading = RedisOptions.HEADING)
    RedisOptions redis = new RedisOptions();

    @ArgGroup(validate = false, heading = RabbitOptions.HEADING)
    RabbitOptions rabbit = new RabbitOptions();

    @ArgGroup(validate = false, heading = BalancerAddress.HEADING)
    BalancerAddress balancer = new BalancerAddress();

    @ArgGroup(validate = false, heading = ProxyAddress.HEADING)
    ProxyAddress registry = new ProxyAddress();

    @ArgGroup(validate = false, heading = BindOptions.HEADING)
    BindOptions bind = new BindOptions();

    // Copy-on-write: the supervisor replaces a child that died while the demo's thread walks the lists.
    private final List<ChildProcess> sensors = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<ChildProcess> terminalProcesses = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<ChildProcess> backends = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger restarts = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.Set<String> reportedDead = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private PrintWriter sharedLog;
    private Path runDir;
    private Deployment deployment;

    @Override
    public Integer call() throws Exception {
        String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Logs.identify("demo", runId);
        runDir = dataRoot.resolve(runId);
        Path logDir = runDir.resolve("logs");
        Files.createDirectories(logDir);
        try (EmbeddedServices services = EmbeddedServices.ensure(redis.uri(), rabbit.uri(), mode.mode() == Mode.RABBIT,
                !noEmbedded);
             RedisMeteoStore store = openStore(services, runId);
             PrintWriter sharedLog = new PrintWriter(Files.newBufferedWriter(logDir.resolve("all.log"), StandardCharsets.UTF_8), true)) {
            CountDownLatch stop = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                stop.countDown();
                try {
                    done.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "demo-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            int exit;
            DemoDisplay display = null;
            java.util.concurrent.ScheduledExecutorService supervisor = java.util.concurrent.Executors
                    .newSingleThreadScheduledExecutor(new dev.meteo.internal.DaemonThreadFactory("demo-supervisor"));
            try {
                Console.info("demo: " + mode.mode() + " mode, run " + runId + ", data and logs in " + runDir);
                this.sharedLog = sharedLog;
                startAll(logDir, sharedLog);
                supervisor.scheduleWithFixedDelay(() -> supervise(logDir), 1, 1, TimeUnit.SECONDS);
                display = DemoDisplay.open(!headless, mode.mode(), "1", runDir.resolve("terminal-1.jsonl"), store,
                        () -> "running; logs in " + logDir, this::processesLine);
                if (duration == null) {
                    stop.await();
                } else if (stop.await(duration.toMillis(), TimeUnit.MILLISECONDS)) {
                    Console.info("demo: interrupted before --duration elapsed");
                }
                if (display != null) {
                    display.close();
                    display = null;
                }
                stopping = true;
                supervisor.shutdownNow();
                exit = stopAndSummarise(store);
            } finally {
                stopping = true;
                supervisor.shutdownNow();
                if (display != null) {
                    display.close();
                }
                stopChildren(terminalProcesses);
                stopChildren(backends);
                stopChildren(sensors);
                done.countDown();
            }
            if (duration != null) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            return exit;
        }
    }

    /**
     * Points the children at the services that answer (the configured ones, or embedded ones started instead), under
     * this run's own prefixes: the configured ones with {@code demo-<run id>} appended.
     */
    private RedisMeteoStore openStore(EmbeddedServices services, String runId) {
        services.notices().forEach(notice -> Console.info("demo: " + notice));
        deployment = new Deployment(mode.mode(), services.redisUri(), redis.prefix() + "demo-" + runId + ":",
                services.rabbitUri(), rabbit.prefix() + "-demo-" + runId, balancer.endpoint().toString(),
                registry.endpoint().toString(), bind.host());
        RedisMeteoStore store = new RedisMeteoStore(RedisSettings.of(deployment.redisUri(), deployment.redisPrefix()));
        store.ping();
        return store;
    }

    private void startAll(Path logDir, PrintWriter sharedLog) throws IOException, InterruptedException {
        if (mode.mode() == Mode.GRPC) {
            backends.add(ChildProcess.start("lb", withMetrics(deployment.arguments("lb")), logDir, sharedLog));
        }
        List<String> proxy = deployment.arguments("proxy");
        proxy.addAll(List.of("--id=proxy-1", "--window=" + DurationConverter.format(window),
                "--grace=" + DurationConverter.format(grace)));
        backends.add(ChildProcess.start("proxy", withMetrics(proxy), logDir, sharedLog));
        for (int i = 1; i <= servers; i++) {
            List<String> server = deployment.arguments("server");
            server.addAll(List.of("--id=server-" + i, "--delay=" + DelayRangeConverter.format(delay)));
            withMetrics(server);
            backends.add(ChildProcess.start("server-" + i, server, logDir, sharedLog));
        }
        for (int i = 1; i <= terminals; i++) {
            List<String> terminal = deployment.arguments("terminal");
            terminal.addAll(List.of("--id=" + i, "--data-dir=" + runDir, "--dashboard=none",
                    "--http-port=" + (httpPort == 0 ? 0 : httpPort + i - 1), "--grace=" + DurationConverter.format(grace),
                    "--window=" + DurationConverter.format(window)));
            withMetrics(terminal);
            terminalProcesses.add(ChildProcess.start("terminal-" + i, terminal, logDir, sharedLog));
        }
        // Sensors last, once the rest is up: records sent into a half-started system would only wait in retries.
        long deadline = System.currentTimeMillis() + 60_000;
        for (ChildProcess child : java.util.stream.Stream.concat(backends.stream(), terminalProcesses.stream()).toList()) {
            if (!child.awaitReady(Math.max(0, deadline - System.currentTimeMillis()))) {
                throw new IllegalStateException(child.name() + " did not start: see " + logDir.resolve(child.name() + ".log"));
            }
        }
        for (int i = 1; i <= airSensors + pollutionSensors; i++) {
            boolean air = i <= airSensors;
            String id = (air ? "air-" : "pollution-") + (air ? i : i - airSensors);
            List<String> sensor = deployment.arguments("sensor");
            sensor.addAll(List.of("--type=" + (air ? "air" : "pollution"), "--id=" + id,
                    "--interval=" + DurationConverter.format(interval)));
            sensors.add(ChildProcess.start(id, withMetrics(sensor), logDir, sharedLog));
        }
        for (ChildProcess sensor : sensors) {
            sensor.awaitReady(Math.max(0, deadline - System.currentTimeMillis()));
        }
        Console.info("demo: started " + (sensors.size() + backends.size() + terminalProcesses.size()) + " processes");
        writeTargets();
    }

    /**
     * Every child logs in the demo's format, and serves its metrics on a free port; the demo learns which from its
     * log line.
     */
    private List<String> withMetrics(List<String> arguments) {
        arguments.add("--metrics-port=0");
        arguments.add("--log-format=" + standard.logFormat());
        return arguments;
    }

    /**
     * Names every child's metrics endpoint in {@code <run>/prometheus-targets.json} and, for a Prometheus that follows
     * the latest demo ({@code deploy/prometheus.yml}), in {@code <data-dir>/prometheus-targets.json}.
     */
    private void writeTargets() throws IOException {
        List<ChildProcess> all = allChildren();
        Scrapes.writeTargets(runDir.resolve(TARGETS_FILE), all, mode.mode().toString(), runDir.getFileName().toString());
        Scrapes.writeTargets(dataRoot.resolve(TARGETS_FILE), all, mode.mode().toString(), runDir.getFileName().toString());
        Console.info("demo: metrics of " + all.stream().filter(c -> c.metricsUrl().isPresent()).count()
                + " processes for Prometheus: " + dataRoot.resolve(TARGETS_FILE));
    }

    /** The Prometheus file_sd targets file the demo writes. */
    public static final String TARGETS_FILE = "prometheus-targets.json";

    private List<ChildProcess> allChildren() {
        return java.util.stream.Stream.of(backends, terminalProcesses, sensors).flatMap(List::stream).toList();
    }

    /** The strip's first part: {@code processes 11/11 up · 0 restarted}. */
    private String processesLine() {
        List<ChildProcess> all = allChildren();
        return "processes " + all.stream().filter(ChildProcess::isAlive).count() + "/" + all.size() + " up · "
                + restarts.get() + " restarted";
    }

    /**
     * Says when a child dies, and starts a proxy, load balancer, compute server or terminal that died again, alike
     * (each resumes from the store, its queue or its file). A sensor is not restarted: its counters, which the
     * accounting reads at the end, died with it.
     */
    private void supervise(Path logDir) {
        if (stopping) {
            return;
        }
        for (List<ChildProcess> restartable : List.of(backends, terminalProcesses)) {
            for (int i = 0; i < restartable.size(); i++) {
                ChildProcess child = restartable.get(i);
                if (child.isAlive() || stopping) {
                    continue;
                }
                Console.info("demo: " + child.name() + " died (exit code " + child.exitCode().orElse(-1)
                        + "; see " + logDir.resolve(child.name() + ".log") + "); starting it again");
                try {
                    restartable.set(i, ChildProcess.start(child.name(), child.arguments(), logDir, sharedLog));
                    restarts.incrementAndGet();
                    ChildProcess again = restartable.get(i);
                    again.awaitReady(30_000);
                    writeTargets(); // its metrics are on another port now
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (IOException e) {
                    Console.info("demo: cannot start " + child.name() + " again: " + e.getMessage());
                }
            }
        }
        for (ChildProcess sensor : sensors) {
            if (!sensor.isAlive() && reportedDead.add(sensor.name())) {
                Console.info("demo: sensor " + sensor.name() + " died (exit code " + sensor.exitCode().orElse(-1)
                        + "; see " + logDir.resolve(sensor.name() + ".log") + ")");
            }
        }
    }

    private static void stopChildren(List<ChildProcess> children) throws InterruptedException {
        children.forEach(ChildProcess::requestStop);
        for (ChildProcess child : children) {
            if (child.isAlive() && !child.awaitExit(20)) {
                Console.info("demo: " + child.name() + " did not stop in time and was killed");
            }
        }
    }

    /** Stops the sensors first, waits until every record sent is in a window (or late/rejected), then the rest. */
    private int stopAndSummarise(RedisMeteoStore store) throws Exception {
        Console.info("demo: stopping the sensors");
        Path finalMetrics = runDir.resolve("metrics");
        Scrapes.snapshot(finalMetrics, sensors);
        stopChildren(sensors);
        List<Drain.SensorReport> reports = new ArrayList<>();
        for (ChildProcess sensor : sensors) {
            Map<?, ?> status = sensor.status().map(json -> (Map<?, ?>) Json.read(json)).orElse(Map.of());
            reports.addAll(Drain.sensorReports(sensor.name(), status));
        }
        long sent = reports.stream().mapToLong(Drain.SensorReport::sent).sum();
        long confirmed = reports.stream().mapToLong(Drain.SensorReport::confirmed).sum();
        long stoppedAt = System.currentTimeMillis();
        Path reference = runDir.resolve("terminal-1.jsonl");
        long deadline = System.currentTimeMillis() + window.toMillis() + grace.toMillis() + 20_000;
        Console.info("demo: " + sent + " records sent; waiting for the open windows to close (up to "
                + DurationConverter.format(Duration.ofMillis(deadline - System.currentTimeMillis())) + ")");
        List<Path> terminalFiles = java.util.stream.IntStream.rangeClosed(1, terminals)
                .mapToObj(i -> runDir.resolve("terminal-" + i + ".jsonl")).toList();
        if (!Drain.awaitAccounted(reference, terminalFiles, stoppedAt, confirmed, store, deadline)) {
            Console.info("demo: gave up waiting; the summary shows what is still open");
        }
        Scrapes.snapshot(finalMetrics, java.util.stream.Stream.concat(backends.stream(), terminalProcesses.stream()).toList());
        stopChildren(terminalProcesses);
        stopChildren(backends);

        Drain.Verdict verdict = Drain.verdict(reports, terminalFiles, store);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("mode", mode.mode().toString());
        summary.put("records_sent", sent);
        summary.put("records_confirmed", confirmed);
        summary.put("records_failed_at_sensor", verdict.failed());
        summary.put("records_in_windows", verdict.inWindows());
        summary.put("records_rejected", verdict.rejected());
        summary.put("records_late", verdict.late());
        summary.put("records_still_open", Math.max(0, verdict.storedInWindows() - verdict.inWindows()));
        summary.put("windows_emitted", number(backends.stream().filter(c -> c.name().equals("proxy"))
                .findFirst().flatMap(ChildProcess::status).orElse(""), "windows_emitted"));
        Map<String, Object> received = new LinkedHashMap<>();
        for (int i = 1; i <= terminals; i++) {
            received.put(String.valueOf(i), Drain.windows(terminalFiles.get(i - 1)).size());
        }
        summary.put("windows_received", received);
        summary.put("sensors_checked", reports.size());
        summary.put("problems", verdict.problems());
        boolean holds = verdict.holds();
        summary.put("accounting_holds", holds);
        Files.writeString(runDir.resolve("summary.json"), Json.write(summary) + "\n");
        printSummary(summary, holds);
        if (holds) {
            removeRunData(store);
        } else {
            Console.info("demo: this run's Redis keys (" + deployment.redisPrefix() + "*) and RabbitMQ names ("
                    + deployment.rabbitPrefix() + ".*) are kept for inspection; remove them with: meteo reset "
                    + "--redis-prefix=" + deployment.redisPrefix() + (mode.mode() == Mode.RABBIT ? " --rabbit "
                    + "--rabbit-prefix=" + deployment.rabbitPrefix() + terminalFlags() : "") + " --yes");
        }
        return holds ? 0 : 2;
    }

    private String terminalFlags() {
        StringBuilder flags = new StringBuilder();
        for (int i = 1; i <= terminals; i++) {
            flags.append(" --terminal ").append(i);
        }
        return flags.toString();
    }

    /**
     * A run whose every record is accounted for leaves nothing behind in the shared Redis and RabbitMQ (its queues are
     * durable, so each run would otherwise add some for good): what it produced is in the run folder.
     */
    private void removeRunData(RedisMeteoStore store) {
        try {
            store.deleteAll();
            if (mode.mode() == Mode.RABBIT) {
                RabbitSettings settings = RabbitSettings.of(deployment.rabbitUri()).withNamePrefix(deployment.rabbitPrefix());
                List<String> terminalIds = java.util.stream.IntStream.rangeClosed(1, terminals).mapToObj(String::valueOf).toList();
                try (com.rabbitmq.client.Connection broker = RabbitConnections.open(settings, "meteo-demo-cleanup")) {
                    new Topology(settings).deleteAll(broker, terminalIds);
                }
            }
        } catch (Exception e) {
            Console.info("demo: could not remove this run's keys and queues (" + e.getMessage() + "); they are under "
                    + deployment.redisPrefix() + " and " + deployment.rabbitPrefix());
        }
    }

    private void printSummary(Map<String, Object> summary, boolean holds) {
        System.out.println();
        System.out.println("Meteo demo summary (" + mode.mode() + ")");
        summary.forEach((key, value) -> {
            if (value instanceof Map<?, ?> map) {
                map.forEach((name, count) -> System.out.printf("  %-22s %s%n", key.replace('_', ' ') + " " + name, count));
            } else if (value instanceof List<?> problems) {
                problems.forEach(problem -> System.out.println("  PROBLEM: " + problem));
            } else if (!key.equals("mode") && !key.equals("accounting_holds")) {
                System.out.printf("  %-22s %s%n", key.replace('_', ' '), value);
            }
        });
        System.out.println(holds
                ? "  accounting holds: every sensor's records are in exactly one window, late or rejected"
                : "  ACCOUNTING DOES NOT HOLD (see " + runDir.resolve("logs") + ")");
        System.out.println("  summary: " + runDir.resolve("summary.json"));
    }

    /** A number from a child's status file (a flat JSON object), 0 when absent. */
    private static long number(String json, String key) {
        if (json.isBlank()) {
            return 0;
        }
        Object value = ((Map<?, ?>) Json.read(json)).get(key);
        return value instanceof Number number ? number.longValue() : 0;
    }

}
