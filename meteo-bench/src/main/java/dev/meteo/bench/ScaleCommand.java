package dev.meteo.bench;

import dev.meteo.cli.options.DurationConverter;
import dev.meteo.cli.options.Mode;
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

/** {@code meteo bench scale}: many slow sensors, step by step, in two fleet processes. */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = {"For each step N, N sensors at one reading every --sensor-interval each, in two fleet processes "
                + "(meteo sensor --count, batched in grpc), each selected mode; per step: stored/s, latencies, late, "
                + "CPU and memory of every process, Redis memory. E.g. 'meteo bench scale 100,1000,10000'. No limits "
                + "are measured.", ""})
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

    @Override
    public Integer call() throws Exception {
        for (int step : steps) {
            BenchOptions.positive(step, "a step");
        }
        BenchOptions.Run run = bench.begin(", scale steps " + steps);
        BenchSettings settings = bench.settings(run, 1, measure, 0, SensorSettings.DEFAULT_MAX_IN_FLIGHT, false, window,
                grace, Duration.ZERO, Duration.ZERO, 1);
        Map<String, Object> configuration = settings.toMap();
        configuration.put("scale_steps", steps);
        configuration.put("sensor_interval", DurationConverter.format(sensorInterval));
        configuration.put("sensor_processes_per_step", 2);
        Map<String, Object> report = BenchOptions.report(configuration);
        Map<String, Object> results = new LinkedHashMap<>();
        report.put("scale", results);
        boolean holds = true;
        for (Mode mode : bench.modes.selected()) {
            List<Map<String, Object>> modeResults = new ArrayList<>();
            results.put(mode.toString(), modeResults);
            for (int total : steps) {
                int processes = total == 1 ? 1 : 2;
                SensorPlan plan = new SensorPlan(mode + "_" + total, processes, (total + processes - 1) / processes,
                        DurationConverter.format(sensorInterval), SensorSettings.DEFAULT_MAX_IN_FLIGHT,
                        mode == Mode.GRPC ? "batch" : null);
                Map<String, Object> result = new PipelineRun(mode, settings, plan, run.progress()).run();
                result.put("offered_per_s", Math.round(plan.sensors() * 1000.0 / Math.max(1, sensorInterval.toMillis())));
                modeResults.add(result);
                holds &= Boolean.TRUE.equals(result.get("accounting_holds"));
            }
        }
        Path json = bench.write(report, "scale", run.id());
        ScaleTable.print(System.out, report);
        System.out.println("  results: " + json);
        return holds ? 0 : 2;
    }
}
