package dev.meteo.bench;

import dev.meteo.cli.options.DurationConverter;
import dev.meteo.cli.options.Mode;
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

    @Mixin
    FullSpeedOptions load;

    @Option(names = "--measure", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "30s",
            description = "Measured period of each mode (default: ${DEFAULT-VALUE}).")
    Duration measure;

    @Option(names = "--rate", defaultValue = "max", paramLabel = "R|max",
            description = "Offered records/s over all sensors, or max: interval 0, bounded by --max-in-flight "
                    + "(default: ${DEFAULT-VALUE}).")
    String rate;

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

    /** {@code --batch-max-in-flight}'s default. */
    static final int BATCH_MAX_IN_FLIGHT = 4096;

    @Option(names = "--batch-max-in-flight", defaultValue = "" + BATCH_MAX_IN_FLIGHT, paramLabel = "N",
            description = "grpc batch: per sensor, records sent and not yet confirmed; a batched call carries many, so "
                    + "it needs more in flight than a unary one (default: ${DEFAULT-VALUE}).")
    int batchMaxInFlight;

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

    @Option(names = "--batch-size", defaultValue = "" + SensorPlan.DEFAULT_BATCH_SIZE, paramLabel = "N",
            description = "grpc batch: records per call at most (meteo sensor --batch-size); the batched relay hop and the "
                    + "Redis store's ceiling use batches of this size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--store-writers", defaultValue = "4", paramLabel = "N",
            description = "Threads of the bench process that call the store script for the Redis store's ceiling "
                    + "(default: ${DEFAULT-VALUE}).")
    int storeWriters;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() throws Exception {
        if (fault && bench.servers < 2) {
            throw new IllegalArgumentException("--fault kills one compute server: give --servers 2 or more");
        }
        if (fault && measure.toSeconds() < 6) {
            throw new IllegalArgumentException("--fault needs --measure of 6s or more (kill half-way, then watch the recovery)");
        }
        BenchOptions.positive(batchSize, "--batch-size");
        BenchOptions.Run run = bench.begin("");
        BenchSettings settings = bench.settings(run, load.sensors, measure, BenchOptions.parseRate(rate), load.maxInFlight, fault,
                load.window, load.grace, limitWarmup, limitMeasure, rabbitQueueBound);
        Progress progress = run.progress();
        Map<String, Object> configuration = settings.toMap();
        configuration.put("batch_size", batchSize);
        configuration.put("store_writers", storeWriters);
        Map<String, Object> report = BenchOptions.report(configuration);
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("grpc_relay_per_s", null);
        limits.put("rabbit_perftest_per_s", null);
        limits.put("grpc_relay_batch_per_s", null);
        limits.put("redis_store_per_s", null);
        report.put("limits", limits);
        Map<String, Object> results = new LinkedHashMap<>();
        report.put("modes", results);
        StageLimits stages = new StageLimits(settings, progress, storeWriters);
        for (Mode mode : bench.modes.selected()) {
            for (SensorPlan plan : plans(mode, settings)) {
                Map<String, Number> ceilings = noLimits ? Map.of() : ceilings(mode, plan, settings, stages, limits);
                Object limit = limits.get(mode == Mode.GRPC ? "grpc_relay_per_s" : "rabbit_perftest_per_s");
                Map<String, Object> result = new PipelineRun(mode, settings, plan, progress).run();
                result.put("ratio_to_limit", ratio(result.get("stored_per_s"), limit));
                result.putAll(StageCeilings.summary(result.get("stored_per_s"), ceilings));
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
     * The ceilings of the stages {@code plan}'s path crosses, measured now (each once per run), also written into
     * {@code limits}: direct unary, the relay hop; direct batched, the relay hop with batches of --batch-size (and the
     * unary one, which ratio_to_limit keeps comparing with) and the Redis store; indirect, PerfTest shaped like the
     * pipeline (a message per record: its bytes, the sensors' in-flight bound as the confirm window, the servers'
     * prefetch) and the Redis store.
     */
    private Map<String, Number> ceilings(Mode mode, SensorPlan plan, BenchSettings settings, StageLimits stages,
                                         Map<String, Object> limits) throws Exception {
        Map<String, Number> ceilings = new LinkedHashMap<>();
        if (mode == Mode.GRPC) {
            Map<String, Object> unary = stages.relay(new SensorPlan("grpc", settings.sensors(), 1, "0",
                    settings.maxInFlight(), null));
            limits.put("grpc_relay_per_s", unary.get("per_s"));
            limits.put("grpc_relay", unary);
            if (!plan.batched()) {
                ceilings.put("grpc_relay", (Number) unary.get("per_s"));
                return ceilings;
            }
            Map<String, Object> batched = stages.relay(new SensorPlan("grpc_relay_batch", settings.sensors(), 1, "0",
                    plan.maxInFlight(), "batch", batchSize));
            limits.put("grpc_relay_batch_per_s", batched.get("per_s"));
            limits.put("grpc_relay_batch", batched);
            ceilings.put("grpc_relay_batch", (Number) batched.get("per_s"));
        } else {
            PerfTestRunner.Shape shape = new PerfTestRunner.Shape(settings.sensors(), settings.servers(),
                    MessageSize.bytes(1), settings.maxInFlight(), settings.rabbit().prefetch());
            Map<String, Object> perfTest = stages.perfTest(shape, 1);
            limits.put("rabbit_perftest_per_s", perfTest.get("per_s"));
            limits.put("rabbit_perftest", perfTest);
            ceilings.put("rabbit_perftest", (Number) perfTest.get("per_s"));
        }
        Map<String, Object> store = stages.store(batchSize, 10_000);
        limits.put("redis_store_per_s", store.get("per_s"));
        limits.put("redis_store", store);
        ceilings.put("redis_store", (Number) store.get("per_s"));
        return ceilings;
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
                    batch ? BenchOptions.positive(batchMaxInFlight, "--batch-max-in-flight") : settings.maxInFlight(), way,
                    batchSize));
        }
        return plans;
    }

    static Double ratio(Object value, Object of) {
        return value instanceof Number v && of instanceof Number l && l.doubleValue() > 0
                ? Math.round(v.doubleValue() / l.doubleValue() * 1000) / 1000.0 : null;
    }
}
