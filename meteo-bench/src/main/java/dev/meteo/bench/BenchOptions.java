package dev.meteo.bench;

import dev.meteo.process.RunId;
import dev.meteo.cli.io.Json;
import dev.meteo.cli.options.Mode;
import dev.meteo.cli.options.RabbitOptions;
import dev.meteo.cli.options.RedisOptions;
import dev.meteo.cli.options.StandardOptions;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The options every bench run shares (which pipelines, the processes besides the sensors, the warm-up, where results
 * go, Redis and RabbitMQ), and what the three runs do alike: a run id and folder, the machine's description, the JSON.
 */
final class BenchOptions {

    @Mixin
    StandardOptions standard;

    /** Which pipelines to run. */
    enum Modes {
        GRPC, RABBIT, BOTH;

        /** The command-line spelling. */
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }

        List<Mode> selected() {
            return this == BOTH ? List.of(Mode.GRPC, Mode.RABBIT) : List.of(Mode.valueOf(name()));
        }
    }

    @Option(names = "--mode", defaultValue = "both", paramLabel = "grpc|rabbit|both",
            description = "Pipeline(s) to run, one after the other (default: ${DEFAULT-VALUE}).")
    Modes modes;

    @Option(names = "--servers", defaultValue = "2", description = "Compute server processes (default: ${DEFAULT-VALUE}).")
    int servers;

    @Option(names = "--terminals", defaultValue = "2", description = "Terminal processes (default: ${DEFAULT-VALUE}).")
    int terminals;

    @Option(names = "--warmup", converter = dev.meteo.cli.options.DurationConverter.class, paramLabel = "DURATION",
            defaultValue = "20s",
            description = "Warm-up before each measured period, from the first record stored; the JVMs here need about 20 s "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--c2", description = "Let the child JVMs use the JIT's second tier (C2); by default they run C1 "
            + "only, as the demo's do: with nine JVMs on 2 CPUs, C2's compilations need well over 20 s of warm-up.")
    boolean c2;

    @Option(names = "--output", paramLabel = "FILE",
            description = "JSON results (default: <data-dir>/bench/<kind>-<timestamp>.json).")
    Path output;

    @Option(names = "--data-dir", defaultValue = "meteo-data", paramLabel = "DIR",
            description = "Where results and logs go, under bench/ (default: ${DEFAULT-VALUE}).")
    Path dataRoot;

    @ArgGroup(validate = false, heading = "%nRedis (each mode runs under --redis-prefix + bench-<run id>-<mode>):%n")
    RedisOptions redis = new RedisOptions();

    @ArgGroup(validate = false, heading = "%nRabbitMQ (the real broker: PerfTest measures it):%n")
    RabbitOptions rabbit = new RabbitOptions();

    @Option(names = "--progress-every", defaultValue = "5",
            description = "Seconds between progress lines (default: ${DEFAULT-VALUE}).")
    int progressEvery;

    /** One run: its id ({@link RunId}), its folder, and where it says how it goes. */
    record Run(String id, Path dir, Progress progress) {
    }

    /** Creates the run's folder and says what it will do. */
    Run begin(String what) throws IOException {
        String runId = RunId.next();
        Path runDir = dataRoot.resolve("bench").resolve(runId);
        Files.createDirectories(runDir);
        Progress progress = new Progress(System.err, progressEvery);
        progress.say("run " + runId + ": " + modes.selected().stream().map(Mode::toString)
                .collect(Collectors.joining(" then ")) + what + "; logs in " + runDir);
        return new Run(runId, runDir, progress);
    }

    /** The settings of one run, from these options and the command's own. */
    BenchSettings settings(Run run, int sensors, Duration measure, double ratePerS, int maxInFlight, boolean fault,
                           Duration window, Duration grace, Duration limitWarmup, Duration limitMeasure,
                           int rabbitQueueBound) {
        return new BenchSettings(positive(sensors, "--sensors"), positive(servers, "--servers"),
                positive(terminals, "--terminals"), warmup, measure, ratePerS, positive(maxInFlight, "--max-in-flight"),
                c2, fault, window, grace, limitWarmup, limitMeasure, positive(rabbitQueueBound, "--rabbit-queue-bound"),
                redis.settings(), rabbit.settings(), run.id(), run.dir());
    }

    /** The report's head: when, on what machine, with which settings; the caller adds its results. */
    static Map<String, Object> report(Map<String, Object> settings) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("generated_at", Instant.now().toString());
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpus", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        machine.put("load_average_start", loadAverage());
        report.put("machine", machine);
        report.put("settings", settings);
        return report;
    }

    /** Writes the report, with the load average at the end, to --output or the data folder; returns where. */
    @SuppressWarnings("unchecked")
    Path write(Map<String, Object> report, String kind, String runId) throws IOException {
        ((Map<String, Object>) report.get("machine")).put("load_average_end", loadAverage());
        Path json = output != null ? output : dataRoot.resolve("bench").resolve(kind + "-" + runId + ".json");
        if (json.toAbsolutePath().getParent() != null) {
            Files.createDirectories(json.toAbsolutePath().getParent());
        }
        Files.writeString(json, Json.write(report) + "\n");
        return json;
    }

    static int positive(int value, String option) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be 1 or more, not " + value);
        }
        return value;
    }

    /** Records/s as --rate takes it: a positive number, or max (0: full speed). */
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

    /** The 1, 5 and 15 minute load averages from /proc/loadavg; null where not Linux. */
    static List<Double> loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return List.of(Double.parseDouble(fields[0]), Double.parseDouble(fields[1]), Double.parseDouble(fields[2]));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
