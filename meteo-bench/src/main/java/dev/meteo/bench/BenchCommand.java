package dev.meteo.bench;

import dev.meteo.cli.LauncherSubcommand;
import dev.meteo.cli.io.Json;
import dev.meteo.cli.options.DurationConverter;
import dev.meteo.cli.options.Mode;
import dev.meteo.cli.options.RabbitOptions;
import dev.meteo.cli.options.RedisOptions;
import dev.meteo.cli.options.StandardOptions;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.sensor.SensorSettings;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code meteo bench}: the load harness. See the package documentation for what it measures and the JSON it writes. */
@Command(name = "bench",
        subcommands = RelayBackendCommand.class,
        description = {"Load harness: runs the pipeline of one mode (or both, one after the other), every role its own "
                + "process, at full speed or a fixed offered rate with processing delay 0; warms up, then measures "
                + "records/s accepted and stored, latency detection -> stored and window close -> terminal, CPU and "
                + "memory of each process, and lost/late/rejected (lost must be 0). In the same run it measures the "
                + "transports' limits on this machine (a bare gRPC relay hop; RabbitMQ PerfTest with persistent, "
                + "confirmed, acked messages) and reports every figure as a ratio to its limit.",
                "",
                "Needs Redis and, for rabbit, RabbitMQ (not the embedded broker: PerfTest measures the real one). "
                        + "Prints a table on stdout, progress on stderr; exit 0 when nothing was lost, 2 otherwise.", ""})
public final class BenchCommand implements Callable<Integer>, LauncherSubcommand {

    @Mixin
    StandardOptions standard;

    /** Which pipelines to run. */
    public enum Modes {
        GRPC, RABBIT, BOTH;

        /** The command-line spelling. */
        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        List<Mode> selected() {
            return this == BOTH ? List.of(Mode.GRPC, Mode.RABBIT) : List.of(Mode.valueOf(name()));
        }
    }

    @Option(names = "--mode", defaultValue = "both", paramLabel = "grpc|rabbit|both",
            description = "Pipeline(s) to run (default: ${DEFAULT-VALUE}).")
    Modes modes;

    @Option(names = "--sensors", defaultValue = "2", description = "Sensor processes, half air, half pollution (default: ${DEFAULT-VALUE}).")
    int sensors;

    @Option(names = "--servers", defaultValue = "2", description = "Compute server processes (default: ${DEFAULT-VALUE}).")
    int servers;

    @Option(names = "--terminals", defaultValue = "2", description = "Terminal processes (default: ${DEFAULT-VALUE}).")
    int terminals;

    @Option(names = "--warmup", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "20s",
            description = "Warm-up before each measured period; the JVMs here need about 20 s (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--measure", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "30s",
            description = "Measured period of each mode (default: ${DEFAULT-VALUE}).")
    Duration measure;

    @Option(names = "--rate", defaultValue = "max", paramLabel = "R|max",
            description = "Offered records/s over all sensors, or max: interval 0, bounded by --max-in-flight (default: ${DEFAULT-VALUE}).")
    String rate;

    @Option(names = "--max-in-flight", defaultValue = "512",
            description = "Per sensor: records sent and not yet confirmed (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--c2", description = "Let the child JVMs use the JIT's second tier (C2); by default they run C1 "
            + "only, as the demo's do: with nine JVMs on 2 CPUs, C2's compilations need well over 20 s of warm-up.")
    boolean c2;

    @Option(names = "--fault", description = "Kill one compute server (SIGKILL) half-way through each measured period; "
            + "report the recovery time and that nothing was lost.")
    boolean fault;

    /** How the direct mode's sensors send, in the throughput runs. */
    public enum Ingests {
        UNARY, BATCH, BOTH;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        List<String> selected() {
            return this == BOTH ? List.of("unary", "batch") : List.of(toString());
        }
    }

    @Option(names = "--ingest", defaultValue = "both", paramLabel = "unary|batch|both",
            description = "grpc: run the pipeline with one call per record (unary, results under modes.grpc), with many "
                    + "records per call (batch, under modes.grpc_batch), or both, one after the other (default: ${DEFAULT-VALUE}).")
    Ingests ingest;

    @Option(names = "--batch-max-in-flight", defaultValue = "4096", paramLabel = "N",
            description = "grpc batch: per sensor, records sent and not yet confirmed; a batched call carries many, so "
                    + "it needs more in flight than a unary one (default: ${DEFAULT-VALUE}).")
    int batchMaxInFlight;

    @Option(names = "--scale", split = ",", paramLabel = "N[,N...]",
            description = "Scale mode instead of the throughput runs: for each N, N sensors at one reading every "
                    + "--sensor-interval each, in two fleet processes (meteo sensor --count, batched in grpc), each mode; "
                    + "per step: stored/s, latencies, late, CPU and memory of every process, Redis memory. E.g. "
                    + "--scale 100,1000,10000. No limits are measured (default: none, the throughput runs).")
    List<Integer> scale;

    @Option(names = "--soak", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Soak mode instead of the throughput runs: each selected mode runs this long at a fixed --rate "
                    + "(required) with hostile input (--invalid-every, --late-every), sampling every --soak-every Redis's "
                    + "used_memory, the bytes of the run's keys, the identities the store keeps, the work queue's depth and "
                    + "every process's RSS; reports each series' slope over the second half and whether the store stays "
                    + "flat (exit 2 when it does not). E.g. --soak 30m --rate 200.")
    Duration soak;

    @Option(names = "--soak-every", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "5s",
            description = "Soak mode: time between two samples (default: ${DEFAULT-VALUE}).")
    Duration soakEvery;

    @Option(names = "--retention", defaultValue = "0", paramLabel = "N",
            description = "Soak mode: the proxy's retention in windows (meteo proxy --retention); a small one shows the "
                    + "trim within minutes; 0: the proxy's default (default: ${DEFAULT-VALUE}).")
    int retention;

    @Option(names = "--result-retention", converter = DurationConverter.class, paramLabel = "DURATION",
            defaultValue = "2m", description = "Soak mode: the proxy's result retention (meteo proxy --result-retention), "
                    + "shorter than the soak so that the saved results reach their bound (default: ${DEFAULT-VALUE}).")
    Duration resultRetention;

    @Option(names = "--invalid-every", defaultValue = "20", paramLabel = "N",
            description = "Soak mode: every N-th reading of each sensor is invalid, so it is rejected (0: never; "
                    + "default: ${DEFAULT-VALUE}).")
    int invalidEvery;

    @Option(names = "--late-every", defaultValue = "20", paramLabel = "N",
            description = "Soak mode: every N-th reading of each sensor is dated an hour back, so it is late (0: never; "
                    + "default: ${DEFAULT-VALUE}).")
    int lateEvery;

    @Option(names = "--sensor-interval", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "1s",
            description = "Scale mode: each sensor's interval (default: ${DEFAULT-VALUE}, a real sensor's 1 Hz).")
    Duration sensorInterval;

    @Option(names = "--window", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Proxy's window length (default: 1s; in scale mode the proxy's own default, 2s).")
    Duration window;

    @Option(names = "--grace", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Proxy's grace; above the worst detection -> stored latency, or records count as late "
                    + "(default: 5s; in scale mode the proxy's own default, 4s).")
    Duration grace;

    @Option(names = "--limit-warmup", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "10s",
            description = "Warm-up of the gRPC relay limit (default: ${DEFAULT-VALUE}).")
    Duration limitWarmup;

    @Option(names = "--limit-measure", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "10s",
            description = "Measured period of the gRPC relay limit; PerfTest runs warm-up + measure (default: ${DEFAULT-VALUE}).")
    Duration limitMeasure;

    @Option(names = "--rabbit-queue-bound", defaultValue = "2000",
            description = "rabbit at --rate max: the sensors pause while the work queue holds more ready records than this "
                    + "and resume below half, since the broker confirms before the servers process (default: ${DEFAULT-VALUE}).")
    int rabbitQueueBound;

    @Option(names = "--no-limits", description = "Skip the limits (relay hop, PerfTest); ratios are then null.")
    boolean noLimits;

    @Option(names = "--output", paramLabel = "FILE",
            description = "JSON results (default: <data-dir>/bench/bench-<timestamp>.json).")
    Path output;

    @Option(names = "--chart", paramLabel = "FILE.svg", description = "Also draw per-second throughput of each mode as SVG.")
    Path chart;

    @Option(names = "--data-dir", defaultValue = "meteo-data", paramLabel = "DIR",
            description = "Where results and logs go, under bench/ (default: ${DEFAULT-VALUE}).")
    Path dataRoot;

    @ArgGroup(validate = false, heading = "%nRedis (each mode runs under --redis-prefix + bench-<run id>-<mode>):%n")
    RedisOptions redis = new RedisOptions();

    @ArgGroup(validate = false, heading = "%nRabbitMQ (the real broker: PerfTest measures it):%n")
    RabbitOptions rabbit = new RabbitOptions();

    @Option(names = "--progress-every", defaultValue = "5", description = "Seconds between progress lines (default: ${DEFAULT-VALUE}).")
    int progressEvery;

    @Override
    public Integer call() throws Exception {
        String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path runDir = dataRoot.resolve("bench").resolve(runId);
        Files.createDirectories(runDir);
        boolean scaling = scale != null && !scale.isEmpty();
        Duration windowSize = window != null ? window : scaling ? Duration.ofSeconds(2) : Duration.ofSeconds(1);
        Duration graceTime = grace != null ? grace : scaling ? Duration.ofSeconds(4) : Duration.ofSeconds(5);
        if (soak != null && (parseRate(rate) <= 0 || scaling)) {
            throw new IllegalArgumentException("--soak runs at a fixed rate: give --rate (records/s), not max, and no --scale");
        }
        BenchSettings settings = new BenchSettings(positive(sensors, "--sensors"), positive(servers, "--servers"),
                positive(terminals, "--terminals"), warmup, soak != null ? soak : measure, parseRate(rate), positive(maxInFlight, "--max-in-flight"),
                c2, fault, windowSize, graceTime, limitWarmup, limitMeasure,
                positive(rabbitQueueBound, "--rabbit-queue-bound"), redis.settings(), rabbit.settings(), runId, runDir);
        if (fault && servers < 2) {
            throw new IllegalArgumentException("--fault kills one compute server: give --servers 2 or more");
        }
        if (fault && measure.toSeconds() < 6) {
            throw new IllegalArgumentException("--fault needs --measure of 6s or more (kill half-way, then watch the recovery)");
        }
        Progress progress = new Progress(System.err, progressEvery);
        List<Mode> selected = modes.selected();
        progress.say("run " + runId + ": " + selected.stream().map(Mode::toString).collect(java.util.stream.Collectors.joining(" then "))
                + (scaling ? ", scale steps " + scale : "") + "; logs in " + runDir);
        if (soak != null) {
            return runSoak(settings, selected, progress);
        }
        return scaling ? runScale(settings, selected, progress) : runThroughput(settings, selected, progress);
    }

    /** Soak mode: one long run per mode at the fixed rate, with the samples of what it leaves behind. */
    private int runSoak(BenchSettings settings, List<Mode> selected, Progress progress) throws Exception {
        SoakPlan plan = new SoakPlan(soakEvery, retention, invalidEvery, lateEvery, resultRetention);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("generated_at", Instant.now().toString());
        report.put("machine", machine());
        Map<String, Object> configuration = settings.toMap();
        configuration.put("soak", DurationConverter.format(soak));
        configuration.put("soak_every", DurationConverter.format(soakEvery));
        configuration.put("retention_windows", retention == 0 ? "proxy default" : retention);
        configuration.put("invalid_every", invalidEvery);
        configuration.put("late_every", lateEvery);
        configuration.put("result_retention", DurationConverter.format(resultRetention));
        report.put("settings", configuration);
        Map<String, Object> results = new LinkedHashMap<>();
        report.put("modes", results);
        boolean ok = true;
        for (Mode mode : selected) {
            SensorPlan sensorPlan = mode == Mode.RABBIT ? throughputPlans(mode, settings).get(0)
                    : new SensorPlan("grpc", settings.sensors(), 1, settings.sensorInterval(), settings.maxInFlight(), "unary");
            Map<String, Object> result = new PipelineRun(mode, settings, sensorPlan, progress, plan).run();
            results.put(mode.toString(), result);
            Map<?, ?> soakResult = (Map<?, ?>) result.get("soak");
            ok &= Boolean.TRUE.equals(result.get("accounting_holds")) && Boolean.TRUE.equals(soakResult.get("flat"));
            progress.say(mode + ": " + (Boolean.TRUE.equals(soakResult.get("flat")) ? "flat" : "NOT FLAT") + " "
                    + ((Map<?, ?>) soakResult.get("second_half")).get("run_keys_bytes"));
        }
        ((Map<String, Object>) report.get("machine")).put("load_average_end", loadAverage());
        Path json = write(report, "soak");
        System.out.println("  results: " + json);
        return ok ? 0 : 2;
    }

    private int runThroughput(BenchSettings settings, List<Mode> selected, Progress progress) throws Exception {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("generated_at", Instant.now().toString());
        report.put("machine", machine());
        report.put("settings", settings.toMap());
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("grpc_relay_per_s", null);
        limits.put("rabbit_perftest_per_s", null);
        report.put("limits", limits);
        Map<String, Object> results = new LinkedHashMap<>();
        report.put("modes", results);
        for (Mode mode : selected) {
            if (!noLimits) {
                if (mode == Mode.GRPC) {
                    Map<String, Object> relay = new RelayLimit(settings, progress).run();
                    limits.put("grpc_relay_per_s", relay.get("per_s"));
                    limits.put("grpc_relay", relay);
                } else {
                    progress.phase("rabbit limit", "RabbitMQ PerfTest " + PerfTestRunner.VERSION + " for "
                            + (limitWarmup.toSeconds() + limitMeasure.toSeconds()) + " s");
                    limits.put("rabbit_perftest_per_s", null);
                    Map<String, Object> detail = perfTest(settings);
                    limits.put("rabbit_perftest_per_s", detail.get("steady_per_s"));
                    limits.put("rabbit_perftest", detail);
                }
            }
            Object limit = limits.get(mode == Mode.GRPC ? "grpc_relay_per_s" : "rabbit_perftest_per_s");
            for (SensorPlan plan : throughputPlans(mode, settings)) {
                Map<String, Object> result = new PipelineRun(mode, settings, plan, progress).run();
                result.put("ratio_to_limit", ratio(result.get("stored_per_s"), limit));
                results.put(plan.label(), result);
            }
        }
        if (results.get("grpc") instanceof Map<?, ?> unary && results.get("grpc_batch") instanceof Map<?, ?> batched) {
            ((Map<String, Object>) batched).put("speedup_vs_unary", ratio(batched.get("stored_per_s"), unary.get("stored_per_s")));
        }
        results.putIfAbsent("grpc", null);
        results.putIfAbsent("grpc_batch", null);
        results.putIfAbsent("rabbit", null);
        ((Map<String, Object>) report.get("machine")).put("load_average_end", loadAverage());

        Path json = write(report, "bench");
        BenchTable.print(System.out, report);
        System.out.println("  results: " + json);
        if (chart != null) {
            if (chart.toAbsolutePath().getParent() != null) {
                Files.createDirectories(chart.toAbsolutePath().getParent());
            }
            Files.writeString(chart, ThroughputChart.svg(report));
            System.out.println("  chart:   " + chart);
        }
        boolean holds = results.values().stream().filter(Map.class::isInstance)
                .allMatch(mode -> Boolean.TRUE.equals(((Map<?, ?>) mode).get("accounting_holds")));
        return holds ? 0 : 2;
    }

    /**
     * PerfTest on a queue of the type the pipeline's work queue gets on this broker ({@code --rabbit-queue-type}
     * resolved), persistent, confirmed and acked; the queue is deleted afterwards.
     */
    private Map<String, Object> perfTest(BenchSettings settings) throws Exception {
        RabbitSettings broker = settings.rabbit();
        String queue = "meteo-bench-" + settings.runId() + "-perftest";
        RabbitSettings.QueueType type;
        try (com.rabbitmq.client.Connection connection = RabbitConnections.open(broker, "meteo-bench-perftest");
             com.rabbitmq.client.Channel channel = connection.createChannel()) {
            type = new Topology(broker).queueType(channel);
        }
        boolean quorum = type == RabbitSettings.QueueType.QUORUM;
        int seconds = (int) (limitWarmup.toSeconds() + limitMeasure.toSeconds());
        try {
            PerfTestSummary summary = new PerfTestRunner().run(rabbit.uri(), queue, quorum, seconds,
                    settings.runDir().resolve("perftest.log"));
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("steady_per_s", Math.round(summary.steadyReceivedPerS()));
            detail.put("queue_type", type.toString().toLowerCase(java.util.Locale.ROOT));
            detail.putAll(summary.toMap());
            detail.put("command", String.join(" ", PerfTestRunner.arguments("QUEUE", quorum, seconds)));
            return detail;
        } finally {
            try (com.rabbitmq.client.Connection connection = RabbitConnections.open(broker, "meteo-bench-perftest-cleanup");
                 com.rabbitmq.client.Channel channel = connection.createChannel()) {
                channel.queueDelete(queue);
            }
        }
    }

    /** grpc: one run per selected ingest (unary under "grpc", batch under "grpc_batch"); rabbit: one run. */
    private List<SensorPlan> throughputPlans(Mode mode, BenchSettings settings) {
        if (mode == Mode.RABBIT) {
            return List.of(new SensorPlan("rabbit", settings.sensors(), 1, settings.sensorInterval(), settings.maxInFlight(), null));
        }
        List<SensorPlan> plans = new java.util.ArrayList<>();
        for (String way : ingest.selected()) {
            boolean batch = way.equals("batch");
            plans.add(new SensorPlan(batch ? "grpc_batch" : "grpc", settings.sensors(), 1, settings.sensorInterval(),
                    batch ? positive(batchMaxInFlight, "--batch-max-in-flight") : settings.maxInFlight(), way));
        }
        return plans;
    }

    /**
     * Scale mode: for every mode and every step, N sensors in two fleet processes (air, pollution) at
     * --sensor-interval each; the results of each step as in the throughput runs, plus the step's sensor count.
     */
    private int runScale(BenchSettings settings, List<Mode> selected, Progress progress) throws Exception {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("generated_at", Instant.now().toString());
        report.put("machine", machine());
        Map<String, Object> configuration = settings.toMap();
        configuration.put("scale_steps", scale);
        configuration.put("sensor_interval", DurationConverter.format(sensorInterval));
        configuration.put("sensor_processes_per_step", 2);
        report.put("settings", configuration);
        Map<String, Object> steps = new LinkedHashMap<>();
        report.put("scale", steps);
        boolean holds = true;
        for (Mode mode : selected) {
            List<Map<String, Object>> results = new java.util.ArrayList<>();
            steps.put(mode.toString(), results);
            for (int sensorsInStep : scale) {
                int total = positive(sensorsInStep, "--scale");
                int processes = total == 1 ? 1 : 2;
                SensorPlan plan = new SensorPlan(mode + "_" + total, processes, (total + processes - 1) / processes,
                        DurationConverter.format(sensorInterval), SensorSettings.DEFAULT_MAX_IN_FLIGHT,
                        mode == Mode.GRPC ? "batch" : null);
                Map<String, Object> result = new PipelineRun(mode, settings, plan, progress).run();
                result.put("offered_per_s", Math.round(plan.sensors() * 1000.0 / Math.max(1, sensorInterval.toMillis())));
                results.add(result);
                holds &= Boolean.TRUE.equals(result.get("accounting_holds"));
            }
        }
        ((Map<String, Object>) report.get("machine")).put("load_average_end", loadAverage());
        Path json = write(report, "scale");
        ScaleTable.print(System.out, report);
        System.out.println("  results: " + json);
        return holds ? 0 : 2;
    }

    private Path write(Map<String, Object> report, String kind) throws java.io.IOException {
        String runId = (String) ((Map<?, ?>) report.get("settings")).get("run_id");
        Path json = output != null ? output : dataRoot.resolve("bench").resolve(kind + "-" + runId + ".json");
        if (json.toAbsolutePath().getParent() != null) {
            Files.createDirectories(json.toAbsolutePath().getParent());
        }
        Files.writeString(json, Json.write(report) + "\n");
        return json;
    }

    private static Double ratio(Object value, Object of) {
        return value instanceof Number v && of instanceof Number l && l.doubleValue() > 0
                ? Math.round(v.doubleValue() / l.doubleValue() * 1000) / 1000.0 : null;
    }

    private static int positive(int value, String option) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be 1 or more, not " + value);
        }
        return value;
    }

    static double parseRate(String text) {
        if (text.equalsIgnoreCase("max")) {
            return 0;
        }
        try {
            double value = Double.parseDouble(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("--rate is records per second (a positive number) or max, not '" + text + "'");
    }

    private static Map<String, Object> machine() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        out.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        out.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        out.put("load_average_start", loadAverage());
        return out;
    }

    /** The 1, 5 and 15 minute load averages from /proc/loadavg; null where not Linux. */
    static List<Double> loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return List.of(Double.parseDouble(fields[0]), Double.parseDouble(fields[1]), Double.parseDouble(fields[2]));
        } catch (Exception e) {
            return null;
        }
    }
}
