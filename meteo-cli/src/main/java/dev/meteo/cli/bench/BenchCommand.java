package dev.meteo.cli.bench;

import dev.meteo.cli.io.Json;
import dev.meteo.cli.options.DurationConverter;
import dev.meteo.cli.options.Mode;
import dev.meteo.cli.options.RabbitOptions;
import dev.meteo.cli.options.RedisOptions;
import dev.meteo.cli.options.StandardOptions;
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
public final class BenchCommand implements Callable<Integer> {

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

    @Option(names = "--window", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "1s",
            description = "Proxy's window length (default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--grace", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "5s",
            description = "Proxy's grace; above the worst detection -> stored latency, or records count as late (default: ${DEFAULT-VALUE}).")
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
        BenchSettings settings = new BenchSettings(positive(sensors, "--sensors"), positive(servers, "--servers"),
                positive(terminals, "--terminals"), warmup, measure, parseRate(rate), positive(maxInFlight, "--max-in-flight"),
                c2, fault, window, grace, limitWarmup, limitMeasure,
                positive(rabbitQueueBound, "--rabbit-queue-bound"), redis.settings(), rabbit.settings(), runId, runDir);
        if (fault && servers < 2) {
            throw new IllegalArgumentException("--fault kills one compute server: give --servers 2 or more");
        }
        if (fault && measure.toSeconds() < 6) {
            throw new IllegalArgumentException("--fault needs --measure of 6s or more (kill half-way, then watch the recovery)");
        }
        Progress progress = new Progress(System.err, progressEvery);
        List<Mode> selected = modes.selected();

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
        progress.say("run " + runId + ": " + selected.stream().map(Mode::toString).collect(java.util.stream.Collectors.joining(" then ")) + "; logs in " + runDir);
        for (Mode mode : selected) {
            if (!noLimits) {
                if (mode == Mode.GRPC) {
                    Map<String, Object> relay = new RelayLimit(settings, progress).run();
                    limits.put("grpc_relay_per_s", relay.get("per_s"));
                    limits.put("grpc_relay", relay);
                } else {
                    progress.phase("rabbit limit", "RabbitMQ PerfTest " + PerfTestRunner.VERSION + " for "
                            + (limitWarmup.toSeconds() + limitMeasure.toSeconds()) + " s");
                    PerfTestSummary summary = new PerfTestRunner().run(rabbit.uri(), "meteo-bench-" + runId + "-perftest",
                            (int) (limitWarmup.toSeconds() + limitMeasure.toSeconds()), runDir.resolve("perftest.log"));
                    limits.put("rabbit_perftest_per_s", Math.round(summary.steadyReceivedPerS()));
                    Map<String, Object> detail = summary.toMap();
                    detail.put("command", "-x 2 -y 2 -f persistent -c 100 -q 100 -z "
                            + (limitWarmup.toSeconds() + limitMeasure.toSeconds()) + " -i 1");
                    limits.put("rabbit_perftest", detail);
                }
            }
            Map<String, Object> result = new PipelineRun(mode, settings, progress).run();
            Object limit = limits.get(mode == Mode.GRPC ? "grpc_relay_per_s" : "rabbit_perftest_per_s");
            result.put("ratio_to_limit", limit instanceof Number l && l.doubleValue() > 0
                    ? Math.round(((Number) result.get("stored_per_s")).doubleValue() / l.doubleValue() * 1000) / 1000.0 : null);
            results.put(mode.toString(), result);
        }
        results.putIfAbsent("grpc", null);
        results.putIfAbsent("rabbit", null);
        ((Map<String, Object>) report.get("machine")).put("load_average_end", loadAverage());

        Path json = output != null ? output : dataRoot.resolve("bench").resolve("bench-" + runId + ".json");
        if (json.toAbsolutePath().getParent() != null) {
            Files.createDirectories(json.toAbsolutePath().getParent());
        }
        Files.writeString(json, Json.write(report) + "\n");
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
