package dev.meteo.bench;

import dev.meteo.cli.options.DurationConverter;
import dev.meteo.cli.options.Mode;
import dev.meteo.rabbit.sensor.RabbitBatchSettings;
import dev.meteo.sensor.SensorSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code meteo bench scale}: many slow sensors, step by step, in fleet processes of at most --sensors-per-process
 * sensors each, batched in both modes; each step held to {@link ScaleGoals}.
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = {"For each step N, N sensors at one reading every --sensor-interval each, in fleet processes "
                + "(meteo sensor --count, at least two, at most --sensors-per-process sensors each; batched in both "
                + "modes: direct batches, indirect batch messages), each selected mode; per step: stored/s, "
                + "latencies, lost, late, CPU and memory of every process and the largest per role, the load average, "
                + "Redis memory, and which goal it missed (0 lost, 0 late, detection -> stored p99 <= 1 s, window "
                + "close -> terminal p99 <= 250 ms, every role's RSS <= 256 MB). With --ceilings, each step's stages' "
                + "ceilings too. E.g. 'meteo bench scale 10000,30000,100000 --mode grpc'.", ""})
final class ScaleCommand implements Callable<Integer> {

    @Mixin
    BenchOptions bench;

    @Parameters(index = "0", split = ",", paramLabel = "N[,N...]", description = "The steps: sensors in each.")
    List<Integer> steps;

    @Option(names = "--sensor-interval", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "1s",
            description = "Each sensor's interval (default: ${DEFAULT-VALUE}, a real sensor's 1 Hz).")
    Duration sensorInterval;

    @Option(names = "--measure", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "30s",
            description = "Measured period of each step (default: ${DEFAULT-VALUE}).")
    Duration measure;

    @Option(names = "--window", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "2s",
            description = "Proxy's window length (default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--grace", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "4s",
            description = "Proxy's grace; above the worst detection -> stored latency, or records count as late "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--sensors-per-process", defaultValue = "20000", paramLabel = "N",
            description = "Sensors one fleet process runs at most; a step of N sensors runs in max(2, ceil(N / this)) "
                    + "processes (default: ${DEFAULT-VALUE}).")
    int sensorsPerProcess;

    @Option(names = "--ceilings", description = "After each step, measure the ceilings of the stages its path crosses, "
            + "shaped like the step (grpc: the relay hop with batches and the Redis store; rabbit: PerfTest with the "
            + "step's records per message and the Redis store), and its stored rate as a ratio to the lowest.")
    boolean ceilings;

    @Option(names = "--limit-warmup", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "10s",
            description = "With --ceilings: warm-up of each ceiling (default: ${DEFAULT-VALUE}).")
    Duration limitWarmup;

    @Option(names = "--limit-measure", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "10s",
            description = "With --ceilings: measured period of each ceiling; PerfTest runs warm-up + measure "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration limitMeasure;

    @Option(names = "--store-writers", defaultValue = "4", paramLabel = "N",
            description = "With --ceilings: threads of the bench process that call the store script for the Redis "
                    + "store's ceiling (default: ${DEFAULT-VALUE}).")
    int storeWriters;

    /** Fleet processes for a step of {@code total} sensors: at least two (one air, one pollution), each within the bound. */
    static int processes(int total, int perProcess) {
        if (total == 1) {
            return 1;
        }
        return Math.max(2, (total + perProcess - 1) / perProcess);
    }

    @Override
    public Integer call() throws Exception {
        for (int step : steps) {
            BenchOptions.positive(step, "a step");
        }
        BenchOptions.positive(sensorsPerProcess, "--sensors-per-process");
        BenchOptions.Run run = bench.begin(", scale steps " + steps);
        BenchSettings settings = bench.settings(run, 1, measure, 0, SensorSettings.DEFAULT_MAX_IN_FLIGHT, false, window,
                grace, ceilings ? limitWarmup : Duration.ZERO, ceilings ? limitMeasure : Duration.ZERO, 1);
        StageLimits stages = new StageLimits(settings, run.progress(), storeWriters);
        Map<String, Object> configuration = settings.toMap();
        configuration.put("scale_steps", steps);
        configuration.put("sensor_interval", DurationConverter.format(sensorInterval));
        configuration.put("sensors_per_process_max", sensorsPerProcess);
        configuration.put("sensor_processes_per_step", steps.stream().map(n -> processes(n, sensorsPerProcess)).toList());
        configuration.put("ceilings", ceilings);
        configuration.put("goals", ScaleGoals.check(Map.of()).get("goals"));
        Map<String, Object> report = BenchOptions.report(configuration);
        Map<String, Object> results = new LinkedHashMap<>();
        report.put("scale", results);
        boolean holds = true;
        for (Mode mode : bench.modes.selected()) {
            List<Map<String, Object>> modeResults = new ArrayList<>();
            results.put(mode.toString(), modeResults);
            for (int total : steps) {
                int processes = processes(total, sensorsPerProcess);
                SensorPlan plan = new SensorPlan(mode + "_" + total, processes, (total + processes - 1) / processes,
                        DurationConverter.format(sensorInterval), SensorSettings.DEFAULT_MAX_IN_FLIGHT,
                        total == 1 ? null : "batch");
                Map<String, Object> result = new PipelineRun(mode, settings, plan, run.progress()).run();
                result.put("offered_per_s", Math.round(plan.sensors() * 1000.0 / Math.max(1, sensorInterval.toMillis())));
                if (ceilings) {
                    result.putAll(StageCeilings.summary(result.get("stored_per_s"),
                            ceilings(mode, plan, result, settings, stages)));
                }
                result.put("goals", ScaleGoals.check(result));
                modeResults.add(result);
                holds &= Boolean.TRUE.equals(result.get("accounting_holds"));
            }
        }
        Path json = bench.write(report, "scale", run.id());
        ScaleTable.print(System.out, report);
        System.out.println("  results: " + json);
        return holds ? 0 : 2;
    }

    /**
     * The ceilings of a step's stages, shaped like it: grpc, the relay hop from as many processes sending batches of
     * {@value SensorPlan#DEFAULT_BATCH_SIZE} at full speed, and the Redis store with batches of that size; rabbit,
     * PerfTest with as many producers, the step's records per message (its bytes, the fleets' batches in flight as the
     * confirm window) and the Redis store with batches of that many records. Records of the step's sensors.
     */
    private Map<String, Number> ceilings(Mode mode, SensorPlan plan, Map<String, Object> step, BenchSettings settings,
                                         StageLimits stages) throws Exception {
        Map<String, Number> out = new LinkedHashMap<>();
        int batch = SensorPlan.DEFAULT_BATCH_SIZE;
        if (mode == Mode.GRPC) {
            Map<String, Object> relay = stages.relay(new SensorPlan("relay", plan.processes(), 1, "0",
                    ThroughputCommand.BATCH_MAX_IN_FLIGHT, "batch", batch));
            out.put("grpc_relay_batch", (Number) relay.get("per_s"));
        } else {
            double perMessage = step.get("records_per_message") instanceof Number n ? n.doubleValue() : 1;
            batch = (int) Math.max(1, Math.round(perMessage));
            PerfTestRunner.Shape shape = new PerfTestRunner.Shape(plan.processes(), settings.servers(),
                    MessageSize.bytes(batch), RabbitBatchSettings.DEFAULT_MAX_BATCHES_IN_FLIGHT,
                    settings.rabbit().prefetch());
            out.put("rabbit_perftest", (Number) stages.perfTest(shape, perMessage).get("per_s"));
        }
        out.put("redis_store", (Number) stages.store(batch, plan.sensors()).get("per_s"));
        return out;
    }
}
