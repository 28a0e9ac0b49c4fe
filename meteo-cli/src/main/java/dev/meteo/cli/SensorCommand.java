package dev.meteo.cli;

import dev.meteo.sensor.RecordPublisher;
import dev.meteo.sensor.Sensor;
import dev.meteo.sensor.SensorSettings;
import dev.meteo.sensor.SensorType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "sensor", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs one sensor: takes a reading every --interval and sends it to the load balancer (grpc) or "
                + "the shared work queue (rabbit).", ""})
final class SensorCommand extends RoleCommand {

    /** The values of {@code --type}, checked while parsing so that a typo is a usage error (exit code 2). */
    enum Kind { air, pollution }

    @Option(names = {"-t", "--type"}, required = true, paramLabel = "air|pollution",
            description = "What it measures: air (temperature + humidity) or pollution (CO2).")
    Kind type;

    @Mixin
    ModeOption mode;

    @Option(names = "--id", paramLabel = "ID", description = "Sensor id, unique in the deployment (default: <type>-<pid>).")
    String id;

    @Option(names = {"-i", "--interval"}, converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "1s",
            description = "Time between readings; 0 sends as fast as the in-flight bound allows (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--max-in-flight", defaultValue = "1024",
            description = "Readings sent but not yet confirmed; when full, due readings are skipped and counted (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--seed", description = "Seed of the detector's random source, for reproducible readings (default: a random seed).")
    Long seed;

    @Option(names = "--bench-gate", hidden = true, paramLabel = "FILE",
            description = "Emit at full speed only while FILE reads 'open' (used by bench to bound rabbit's work queue).")
    java.nio.file.Path benchGate;

    @Mixin
    ConnectionOptions connection;

    @Override
    protected String roleName() {
        return "sensor " + sensorId();
    }

    private String sensorId() {
        return id != null ? id : type + "-" + ProcessHandle.current().pid();
    }

    private SensorType sensorType() {
        return switch (type) {
            case air -> SensorType.AIR;
            case pollution -> SensorType.POLLUTION;
        };
    }

    @Override
    protected Running start() throws Exception {
        SensorSettings settings = new SensorSettings(sensorId(), sensorType(), interval, maxInFlight, seed);
        RecordPublisher publisher = Transports.of(mode.mode, connection).openRecordPublisher(settings.id());
        Sensor sensor = new Sensor(settings, publisher, Clock.systemUTC());
        dev.meteo.cli.bench.GatedEmitter gated = benchGate == null ? null : dev.meteo.cli.bench.GatedEmitter.start(sensor, benchGate);
        if (gated == null) {
            sensor.start();
        }
        Console.info(roleName() + ": sending a reading every " + DurationConverter.format(interval) + " (" + mode.mode + ")");
        return new Running() {
            @Override
            public Map<String, Object> status() {
                Sensor.Stats stats = sensor.stats();
                Map<String, Object> status = new LinkedHashMap<>();
                status.put("role", "sensor");
                status.put("id", settings.id());
                status.put("sent", stats.sent());
                status.put("confirmed", stats.confirmed());
                status.put("failed", stats.failed());
                status.put("in_flight", stats.inFlight());
                status.put("skipped", stats.skipped());
                return status;
            }

            @Override
            public void close() throws Exception {
                if (gated != null) {
                    gated.close();
                }
                sensor.close();
                publisher.close();
            }
        };
    }
}
