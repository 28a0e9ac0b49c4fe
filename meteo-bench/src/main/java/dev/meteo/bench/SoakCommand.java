package dev.meteo.bench;

import dev.meteo.cli.options.DurationConverter;
import dev.meteo.cli.options.Mode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code meteo bench soak}: a long run at a fixed rate or at full speed, with hostile input, sampling what it leaves
 * behind and the stored rate minute by minute.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"Runs each selected mode --duration long at --rate (fixed, or max: full speed) with hostile input (--invalid-every, "
                + "--late-every), sampling every --every Redis's used_memory, the bytes of the run's keys, the "
                + "identities the store keeps, the work queue's depth and every process's RSS; reports each series' "
                + "slope over the second half and whether the store stays flat (exit 2 when it does not); and the "
                + "stored rate of each minute, the last over the first. E.g. 'meteo bench soak --duration 30m --rate "
                + "200', or at full speed 'meteo bench soak --duration 10m --mode grpc --rate max --ingest batch'.", ""})
final class SoakCommand implements Callable<Integer> {

    @Mixin
    BenchOptions bench;

    @Mixin
    FullSpeedOptions load;

    @Option(names = "--duration", required = true, converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long each mode runs after its warm-up.")
    Duration duration;

    @Option(names = "--rate", required = true, paramLabel = "R|max",
            description = "Offered records/s over all sensors, or max: interval 0, bounded by the in-flight bound "
                    + "(--max-in-flight, or --batch-max-in-flight with --ingest batch).")
    String rate;

    @Option(names = "--ingest", defaultValue = "unary", paramLabel = "unary|batch",
            description = "grpc: one call per record (unary) or many records per call (batch, meteo sensor --ingest "
                    + "batch); rabbit: ignored, a record per message (default: ${DEFAULT-VALUE}).")
    Ingest ingest;

    /** How the direct mode's sensors send. */
    enum Ingest {
        UNARY, BATCH;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @Option(names = "--batch-max-in-flight", defaultValue = "4096", paramLabel = "N",
            description = "grpc batch: per sensor, records sent and not yet confirmed (default: ${DEFAULT-VALUE}).")
    int batchMaxInFlight;

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

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() throws Exception {
        double ratePerS = BenchOptions.parseRate(rate);
        boolean batch = ingest == Ingest.BATCH;
        SoakPlan plan = new SoakPlan(every, retention, invalidEvery, lateEvery, resultRetention);
        BenchOptions.Run run = bench.begin(", soak " + DurationConverter.format(duration));
        BenchSettings settings = bench.settings(run, load.sensors, duration, ratePerS, load.maxInFlight, false, load.window, load.grace,
                Duration.ZERO, Duration.ZERO, 1);
        Map<String, Object> configuration = settings.toMap();
        configuration.put("soak", DurationConverter.format(duration));
        configuration.put("soak_every", DurationConverter.format(every));
        configuration.put("retention_windows", retention == 0 ? "proxy default" : retention);
        configuration.put("invalid_every", invalidEvery);
        configuration.put("late_every", lateEvery);
        configuration.put("result_retention", DurationConverter.format(resultRetention));
        configuration.put("ingest", ingest.toString());
        configuration.put("batch_max_in_flight", batch ? batchMaxInFlight : null);
        Map<String, Object> report = BenchOptions.report(configuration);
        Map<String, Object> results = new LinkedHashMap<>();
        report.put("modes", results);
        boolean ok = true;
        for (Mode mode : bench.modes.selected()) {
            boolean batched = mode == Mode.GRPC && batch;
            SensorPlan sensorPlan = new SensorPlan(mode.toString(), settings.sensors(), 1, settings.sensorInterval(),
                    batched ? BenchOptions.positive(batchMaxInFlight, "--batch-max-in-flight") : settings.maxInFlight(),
                    mode == Mode.GRPC ? ingest.toString() : null);
            Map<String, Object> result = new PipelineRun(mode, settings, sensorPlan, run.progress(), plan).run();
            results.put(mode.toString(), result);
            Map<String, Object> soak = (Map<String, Object>) result.get("soak");
            soak.putAll(MinuteRates.summary((List<? extends Number>) result.get("samples_per_s")));
            ok &= Boolean.TRUE.equals(result.get("accounting_holds")) && Boolean.TRUE.equals(soak.get("flat"));
            Map<?, ?> trends = (Map<?, ?>) soak.get("second_half");
            run.progress().say(mode + ": " + (Boolean.TRUE.equals(soak.get("flat")) ? "flat" : "NOT FLAT") + " "
                    + trends.get("run_keys_bytes"));
            System.out.printf(java.util.Locale.ROOT, "  %s (%s): stored/s per minute %s; last / first minute %s (goal >= %s: %s);"
                            + " Redis used_memory slope %s B/min, run's keys slope %s B/min (second half); lost %s, "
                            + "accounting holds %s%n", mode, mode == Mode.GRPC ? ingest : "a record per message",
                    soak.get("per_minute_stored_per_s"), BenchTable.text(soak.get("last_to_first_minute")),
                    MinuteRates.SUSTAINED, soak.get("sustained"),
                    ((Map<?, ?>) trends.get("redis_used_memory_bytes")).get("slope_per_min"),
                    ((Map<?, ?>) trends.get("run_keys_bytes")).get("slope_per_min"), result.get("lost"),
                    result.get("accounting_holds"));
        }
        Path json = bench.write(report, "soak", run.id());
        System.out.println("  results: " + json);
        return ok ? 0 : 2;
    }
}
