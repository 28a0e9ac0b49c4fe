package dev.meteo.cli.command;

import dev.meteo.cli.instrument.GatedEmitter;
import dev.meteo.cli.io.Console;
import dev.meteo.cli.metrics.MetricsEndpoint;
import dev.meteo.cli.metrics.RoleMeters;
import dev.meteo.cli.options.BalancerAddress;
import dev.meteo.cli.options.DurationConverter;
import dev.meteo.cli.options.ModeOption;
import dev.meteo.cli.options.RabbitOptions;
import dev.meteo.cli.options.StandardOptions;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.sensor.Sensor;
import dev.meteo.sensor.SensorSettings;
import dev.meteo.sensor.SensorType;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

@Command(name = "sensor",
        description = {"Runs one sensor: takes a reading every --interval and sends it to the load balancer (grpc) or "
                + "the shared work queue (rabbit).", ""})
public final class SensorCommand extends RoleCommand {

    @Mixin
    StandardOptions standard;

    @Option(names = {"-t", "--type"}, required = true, paramLabel = "air|pollution",
            description = "What it measures: air (temperature + humidity) or pollution (CO2).")
    SensorType type;

    @Mixin
    ModeOption mode;

    @Option(names = "--id", paramLabel = "ID", description = "Sensor id, unique in the deployment: two sensors with one id lose records as duplicates (default: <type>-<host>-<pid>-<random>).")
    String id;

    @Option(names = {"-i", "--interval"}, converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "1s",
            description = "Time between readings; 0 sends as fast as the in-flight bound allows (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--max-in-flight", defaultValue = "1024", paramLabel = "N",
            description = "Readings sent but not yet confirmed; when full, due readings are skipped and counted (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed of the detector's random source, for reproducible readings (default: a random seed).")
    Long seed;

    @Option(names = "--bench-gate", hidden = true, paramLabel = "FILE",
            description = "Emit at full speed only while FILE reads 'open' (used by bench to bound rabbit's work queue).")
    Path benchGate;

    @ArgGroup(validate = false, heading = BalancerAddress.HEADING)
    BalancerAddress balancer = new BalancerAddress();

    @ArgGroup(validate = false, heading = RabbitOptions.HEADING)
    RabbitOptions rabbit = new RabbitOptions();

    @Override
    protected String roleName() {
        return "sensor " + sensorId();
    }

    private String sensorId() {
        return id != null ? id : Ids.of(type.name().toLowerCase(Locale.ROOT));
    }

    @Override
    protected Running start() throws Exception {
        SensorSettings settings = SensorSettings.of(sensorId(), type).withInterval(interval).withMaxInFlight(maxInFlight);
        if (seed != null) {
            settings = settings.withSeed(seed);
        }
        RecordPublisher publisher = Transports.of(mode.mode(), rabbit, Transports.grpcSettings(balancer, null, null))
                .openRecordPublisher(settings.id());
        Sensor sensor = new Sensor(settings, publisher, Clock.systemUTC());
        GatedEmitter gated = benchGate == null ? null : GatedEmitter.start(sensor, benchGate);
        if (gated == null) {
            sensor.start();
        }
        Console.info(roleName() + ": sending a reading every " + DurationConverter.format(interval) + " (" + mode.mode() + ")");
        SensorSettings started = settings;
        return new Running() {
            @Override
            public Map<String, Object> status() {
                Sensor.Stats stats = sensor.stats();
                Map<String, Object> status = new LinkedHashMap<>();
                status.put("role", "sensor");
                status.put("id", started.id());
                status.put("sent", stats.sent());
                status.put("confirmed", stats.confirmed());
                status.put("failed", stats.failed());
                status.put("in_flight", stats.inFlight());
                status.put("skipped", stats.skipped());
                return status;
            }

            @Override
            public void bindMetrics(MetricsEndpoint endpoint) {
                RoleMeters.sensor(endpoint.registry(), sensor);
                RoleMeters.part(endpoint, publisher);
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
