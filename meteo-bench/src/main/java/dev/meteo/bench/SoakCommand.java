package dev.meteo.bench;

import dev.meteo.cli.options.DurationConverter;
import dev.meteo.cli.options.Mode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code meteo bench soak}: a long run at a fixed rate with hostile input, sampling what it leaves behind. */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"Runs each selected mode --duration long at a fixed --rate with hostile input (--invalid-every, "
                + "--late-every), sampling every --every Redis's used_memory, the bytes of the run's keys, the "
                + "identities the store keeps, the work queue's depth and every process's RSS; reports each series' "
                + "slope over the second half and whether the store stays flat (exit 2 when it does not). E.g. "
                + "'meteo bench soak --duration 30m --rate 200'.", ""})
final class SoakCommand implements Callable<Integer> {

    @Mixin
    BenchOptions bench;

    @Option(names = "--duration", required = true, converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long each mode runs after its warm-up.")
    Duration duration;

    @Option(names = "--rate", required = true, paramLabel = "R", description = "Offered records/s over all sensors.")
    double rate;

    @Option(names = "--sensors", defaultValue = "2",
            description = "Sensor processes, half air, half pollution (default: ${DEFAULT-VALUE}).")
    int sensors;

    @Option(names = "--max-in-flight", defaultValue = "512",
            description = "Per sensor: records sent and not yet confirmed (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--every", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "5s",
            description = "Time between two samples (default: ${DEFAULT-VALUE}).")
    Duration every;

    @Option(names = "--retention", defaultValue = "0", paramLabel = "N",
            description = "The proxy's retention in windows (meteo proxy --retention); a small one shows the trim "
                    + "within minutes; 0: the proxy's default (default: ${DEFAULT-VALUE}).")
    int retention;

    @Option(names = "--result-retention", converter = DurationConverter.class, paramLabel = "DURATION",
            defaultValue = "2m", description = "The proxy's result retention (meteo proxy --result-retention), shorter "
            + "than the soak so that the saved results reach their bound (default: ${DEFAULT-VALUE}).")
    Duration resultRetention;

    @Option(names = "--invalid-every", defaultValue = "20", paramLabel = "N",
            description = "Every N-th reading of each sensor is invalid, so it is rejected (0: never; "
                    + "default: ${DEFAULT-VALUE}).")
    int invalidEvery;

    @Option(names = "--late-every", defaultValue = "20", paramLabel = "N",
            description = "Every N-th reading of each sensor is dated an hour back, so it is late (0: never; "
                    + "default: ${DEFAULT-VALUE}).")
    int lateEvery;

    @Option(names = "--window", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "1s",
            description = "Proxy's window length (default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--grace", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "5s",
            description = "Proxy's grace; above the worst detection -> stored latency, or records count as late "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration grace;

    @Override
    public Integer call() throws Exception {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("--rate is records per second (a positive number), not " + rate);
        }
        SoakPlan plan = new SoakPlan(every, retention, invalidEvery, lateEvery, resultRetention);
        BenchOptions.Run run = bench.begin(", soak " + DurationConverter.format(duration));
        BenchSettings settings = bench.settings(run, sensors, duration, rate, maxInFlight, false, window, grace,
                Duration.ZERO, Duration.ZERO, 1);
        Map<String, Object> configuration = settings.toMap();
        configuration.put("soak", DurationConverter.format(duration));
        configuration.put("soak_every", DurationConverter.format(every));
        configuration.put("retention_windows", retention == 0 ? "proxy default" : retention);
        configuration.put("invalid_every", invalidEvery);
        configuration.put("late_every", lateEvery);
        configuration.put("result_retention", DurationConverter.format(resultRetention));
        Map<String, Object> report = BenchOptions.report(configuration);
        Map<String, Object> results = new LinkedHashMap<>();
        report.put("modes", results);
        boolean ok = true;
        for (Mode mode : bench.modes.selected()) {
            SensorPlan sensorPlan = new SensorPlan(mode.toString(), settings.sensors(), 1, settings.sensorInterval(),
                    settings.maxInFlight(), mode == Mode.GRPC ? "unary" : null);
            Map<String, Object> result = new PipelineRun(mode, settings, sensorPlan, run.progress(), plan).run();
            results.put(mode.toString(), result);
            Map<?, ?> soak = (Map<?, ?>) result.get("soak");
            ok &= Boolean.TRUE.equals(result.get("accounting_holds")) && Boolean.TRUE.equals(soak.get("flat"));
            run.progress().say(mode + ": " + (Boolean.TRUE.equals(soak.get("flat")) ? "flat" : "NOT FLAT") + " "
                    + ((Map<?, ?>) soak.get("second_half")).get("run_keys_bytes"));
        }
        Path json = bench.write(report, "soak", run.id());
        System.out.println("  results: " + json);
        return ok ? 0 : 2;
    }
}
