package dev.meteo.bench;

import dev.meteo.cli.options.DurationConverter;
import dev.meteo.cli.options.Mode;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.topology.Topology;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code meteo bench throughput}: records/s at full speed or a fixed rate, latencies, and the transports' limits. */
@Command(name = "throughput", mixinStandardHelpOptions = true,
        description = {"Runs each selected pipeline at full speed or a fixed offered rate with processing delay 0; warms "
                + "up, then measures records/s accepted and stored, latency detection -> stored and window close -> "
                + "terminal, CPU and memory of each process, and lost/late/rejected (lost must be 0). In the same run it "
                + "measures the transports' limits on this machine (a bare gRPC relay hop; RabbitMQ PerfTest with "
                + "persistent, confirmed, acked messages) and reports every figure as a ratio to its limit.", ""})
final class ThroughputCommand implements Callable<Integer> {

    @Mixin
    BenchOptions bench;

    @Option(names = "--sensors", defaultValue = "2",
            description = "Sensor processes, half air, half pollution (default: ${DEFAULT-VALUE}).")
    int sensors;

    @Option(names = "--measure", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "30s",
            description = "Measured period of each mode (default: ${DEFAULT-VALUE}).")
    Duration measure;

    @Option(names = "--rate", defaultValue = "max", paramLabel = "R|max",
            description = "Offered records/s over all sensors, or max: interval 0, bounded by --max-in-flight "
                    + "(default: ${DEFAULT-VALUE}).")
    String rate;

    @Option(names = "--max-in-flight", defaultValue = "512",
            description = "Per sensor: records sent and not yet confirmed (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--fault", description = "Kill one compute server (SIGKILL) half-way through each measured period; "
            + "report the recovery time and that nothing was lost.")
    boolean fault;

    /** How the direct mode's sensors send. */
    enum Ingests {
        UNARY, BATCH, BOTH;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }

        List<String> selected() {
            return this == BOTH ? List.of("unary", "batch") : List.of(toString());
        }
    }

    @Option(names = "--ingest", defaultValue = "both", paramLabel = "unary|batch|both",
            description = "grpc: run the pipeline with one call per record (unary, results under modes.grpc), with many "
                    + "records per call (batch, under modes.grpc_batch), or both, one after the other "
                    + "(default: ${DEFAULT-VALUE}).")
    Ingests ingest;

    @Option(names = "--batch-max-in-flight", defaultValue = "4096", paramLabel = "N",
            description = "grpc batch: per sensor, records sent and not yet confirmed; a batched call carries many, so "
                    + "it needs more in flight than a unary one (default: ${DEFAULT-VALUE}).")
    int batchMaxInFlight;

    @Option(names = "--window", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "1s",
            description = "Proxy's window length (default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--grace", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "5s",
            description = "Proxy's grace; above the worst detection -> stored latency, or records count as late "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--limit-warmup", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "10s",
            description = "Warm-up of the gRPC relay limit (default: ${DEFAULT-VALUE}).")
    Duration limitWarmup;

    @Option(names = "--limit-measure", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "10s",
            description = "Measured period of the gRPC relay limit; PerfTest runs warm-up + measure "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration limitMeasure;

    @Option(names = "--rabbit-queue-bound", defaultValue = "2000",
            description = "rabbit at --rate max: the sensors pause while the work queue holds more ready records than "
                    + "this and resume below half, since the broker confirms before the servers process "
                    + "(default: ${DEFAULT-VALUE}).")
    int rabbitQueueBound;

    @Option(names = "--no-limits", description = "Skip the limits (relay hop, PerfTest); ratios are then null.")
    boolean noLimits;

    @Option(names = "--chart", paramLabel = "FILE.svg", description = "Also draw per-second throughput of each mode as SVG.")
    Path chart;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() throws Exception {
        if (fault && bench.servers < 2) {
            throw new IllegalArgumentException("--fault kills one compute server: give --servers 2 or more");
        }
        if (fault && measure.toSeconds() < 6) {
            throw new IllegalArgumentException("--fault needs --measure of 6s or more (kill half-way, then watch the recovery)");
        }
        BenchOptions.Run run = bench.begin("");
        BenchSettings settings = bench.settings(run, sensors, measure, BenchOptions.parseRate(rate), maxInFlight, fault,
                window, grace, limitWarmup, limitMeasure, rabbitQueueBound);
        Progress progress = run.progress();
        Map<String, Object> report = BenchOptions.report(settings.toMap());
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("grpc_relay_per_s", null);
        limits.put("rabbit_perftest_per_s", null);
        report.put("limits", limits);
        Map<String, Object> results = new LinkedHashMap<>();
        report.put("modes", results);
        for (Mode mode : bench.modes.selected()) {
            if (!noLimits) {
                if (mode == Mode.GRPC) {
                    Map<String, Object> relay = new RelayLimit(settings, progress).run();
                    limits.put("grpc_relay_per_s", relay.get("per_s"));
                    limits.put("grpc_relay", relay);
                } else {
                    progress.phase("rabbit limit", "RabbitMQ PerfTest " + PerfTestRunner.VERSION + " for "
                            + (limitWarmup.toSeconds() + limitMeasure.toSeconds()) + " s");
                    Map<String, Object> detail = perfTest(settings);
                    limits.put("rabbit_perftest_per_s", detail.get("steady_per_s"));
                    limits.put("rabbit_perftest", detail);
                }
            }
            Object limit = limits.get(mode == Mode.GRPC ? "grpc_relay_per_s" : "rabbit_perftest_per_s");
            for (SensorPlan plan : plans(mode, settings)) {
                Map<String, Object> result = new PipelineRun(mode, settings, plan, progress).run();
                result.put("ratio_to_limit", ratio(result.get("stored_per_s"), limit));
                results.put(plan.label(), result);
            }
        }
        if (results.get("grpc") instanceof Map<?, ?> unary && results.get("grpc_batch") instanceof Map<?, ?> batched) {
            ((Map<String, Object>) batched).put("speedup_vs_unary",
                    ratio(batched.get("stored_per_s"), unary.get("stored_per_s")));
        }
        results.putIfAbsent("grpc", null);
        results.putIfAbsent("grpc_batch", null);
        results.putIfAbsent("rabbit", null);

        Path json = bench.write(report, "bench", run.id());
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
        try (Connection connection = RabbitConnections.open(broker, "meteo-bench-perftest");
             Channel channel = connection.createChannel()) {
            type = new Topology(broker).queueType(channel);
        }
        boolean quorum = type == RabbitSettings.QueueType.QUORUM;
        int seconds = (int) (limitWarmup.toSeconds() + limitMeasure.toSeconds());
        try {
            PerfTestSummary summary = new PerfTestRunner().run(bench.rabbit.uri(), queue, quorum, seconds,
                    settings.runDir().resolve("perftest.log"));
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("steady_per_s", Math.round(summary.steadyReceivedPerS()));
            detail.put("queue_type", type.toString().toLowerCase(Locale.ROOT));
            detail.putAll(summary.toMap());
            detail.put("command", String.join(" ", PerfTestRunner.arguments("QUEUE", quorum, seconds)));
            return detail;
        } finally {
            try (Connection connection = RabbitConnections.open(broker, "meteo-bench-perftest-cleanup");
                 Channel channel = connection.createChannel()) {
                channel.queueDelete(queue);
            }
        }
    }

    /** grpc: one run per selected ingest (unary under "grpc", batch under "grpc_batch"); rabbit: one run. */
    private List<SensorPlan> plans(Mode mode, BenchSettings settings) {
        if (mode == Mode.RABBIT) {
            return List.of(new SensorPlan("rabbit", settings.sensors(), 1, settings.sensorInterval(),
                    settings.maxInFlight(), null));
        }
        List<SensorPlan> plans = new ArrayList<>();
        for (String way : ingest.selected()) {
            boolean batch = way.equals("batch");
            plans.add(new SensorPlan(batch ? "grpc_batch" : "grpc", settings.sensors(), 1, settings.sensorInterval(),
                    batch ? BenchOptions.positive(batchMaxInFlight, "--batch-max-in-flight") : settings.maxInFlight(), way));
        }
        return plans;
    }

    static Double ratio(Object value, Object of) {
        return value instanceof Number v && of instanceof Number l && l.doubleValue() > 0
                ? Math.round(v.doubleValue() / l.doubleValue() * 1000) / 1000.0 : null;
    }
}
