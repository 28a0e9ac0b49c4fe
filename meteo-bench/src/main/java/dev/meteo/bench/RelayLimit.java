package dev.meteo.bench;

import dev.meteo.cli.metrics.RoleReport;

import dev.meteo.embedded.LoopbackPorts;
import dev.meteo.process.ChildProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The limit of direct mode: a bare gRPC relay hop. The same sensors (processes, interval 0, same in-flight bound, same
 * ingest: one call per record, or batches of the pipeline's size) call the real load balancer (same process, same
 * executors), which forwards to a {@link RelayBackendCommand} that answers at once: no computing, no Redis. Records
 * confirmed per second over the measured period.
 */
final class RelayLimit {

    private final BenchSettings settings;
    private final Progress progress;
    private final SensorPlan plan;

    /** The unary relay hop: one call per record, the settings' in-flight bound. */
    RelayLimit(BenchSettings settings, Progress progress) {
        this(settings, progress, new SensorPlan("grpc", settings.sensors(), 1, "0", settings.maxInFlight(), null));
    }

    /** The relay hop the way {@code plan}'s sensors send: its ingest, batch size and in-flight bound, at full speed. */
    RelayLimit(BenchSettings settings, Progress progress, SensorPlan plan) {
        this.settings = settings;
        this.progress = progress;
        this.plan = plan;
    }

    private boolean batched() {
        return "batch".equals(plan.ingest());
    }

    Map<String, Object> run() throws Exception {
        String label = batched() ? "grpc relay limit (batches of " + plan.batchSize() + ")" : "grpc relay limit";
        Path dir = settings.runDir().resolve(batched() ? "grpc-relay-batch" : "grpc-relay");
        int backendPort = LoopbackPorts.free();
        String lb = "127.0.0.1:" + LoopbackPorts.free();
        try (Fleet fleet = new Fleet(dir.resolve("logs"), settings.childJvmOptions())) {
            progress.phase(label, "starting a no-op backend, the load balancer and " + settings.sensors() + " sensors");
            fleet.start("backend", "relay-backend", List.of("bench", "relay-backend", "--port=" + backendPort));
            Path servers = dir.resolve("servers.txt");
            Files.writeString(servers, "127.0.0.1:" + backendPort + "\n");
            fleet.start("lb", "relay-lb", List.of("lb", "--lb=" + lb, "--bind=127.0.0.1", "--servers-file=" + servers));
            fleet.awaitReady(60_000);
            for (int i = 1; i <= settings.sensors(); i++) {
                boolean air = i % 2 == 1;
                List<String> sensor = new ArrayList<>(List.of("sensor", "--mode=grpc", "--lb=" + lb,
                        "--type=" + (air ? "air" : "pollution"), "--id=relay-" + i, "--interval=0",
                        "--max-in-flight=" + plan.maxInFlight(), "--ingest=" + (batched() ? "batch" : "unary")));
                if (batched()) {
                    sensor.add("--batch-size=" + plan.batchSize());
                }
                fleet.start("sensor", "relay-sensor-" + i, sensor);
            }
            fleet.awaitReady(60_000);
            List<ChildProcess> sensors = fleet.byRole("sensor");
            RateSampler rate = new RateSampler(sensors, RoleReport.SENSOR_CONFIRMED);
            Ticker ticker = new Ticker();
            long warmup = settings.limitWarmup().toSeconds();
            for (long s = 1; s <= warmup; s++) {
                ticker.awaitSecond();
                progress.tick(label, "warm-up", s, warmup, rate.sample());
            }
            List<ProcessMeter> meters = new ArrayList<>();
            fleet.members().forEach(m -> meters.add(new ProcessMeter(m.process().name(), m.process().pid())));
            meters.forEach(ProcessMeter::start);
            long start = Fleet.sum(sensors, RoleReport.SENSOR_CONFIRMED);
            long startNanos = System.nanoTime();
            List<Double> samples = new ArrayList<>();
            long measure = settings.limitMeasure().toSeconds();
            for (long s = 1; s <= measure; s++) {
                ticker.awaitSecond();
                double current = rate.sample();
                samples.add(PipelineRun.round(current));
                meters.forEach(ProcessMeter::sample);
                progress.tick(label, "measure", s, measure, current);
            }
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            long end = Fleet.sum(sensors, RoleReport.SENSOR_CONFIRMED);
            meters.forEach(ProcessMeter::stop);
            fleet.stop("sensor", "lb", "backend");
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("per_s", Math.round((end - start) / seconds));
            out.put("what", "sensor processes -> load balancer process -> no-op gRPC backend process (directExecutor), "
                    + (batched() ? "batches of up to " + plan.batchSize() + " records per call" : "one call per record"));
            out.put("ingest", batched() ? "batch" : "unary");
            out.put("batch_size", batched() ? plan.batchSize() : null);
            out.put("max_in_flight_per_sensor", plan.maxInFlight());
            out.put("sensor_failed", Fleet.sum(sensors, RoleReport.SENSOR_FAILED));
            out.put("processes", meters.stream().map(ProcessMeter::toMap).toList());
            out.put("samples_per_s", samples);
            return out;
        }
    }
}
