package dev.meteo.cli.command;

import dev.meteo.rabbit.sensor.RabbitBatchSettings;
import dev.meteo.rabbit.RabbitTransport;
import dev.meteo.cli.io.Console;
import dev.meteo.cli.metrics.RoleMetrics;
import dev.meteo.cli.metrics.RoleReport;
import dev.meteo.cli.options.BalancerAddress;
import dev.meteo.cli.options.DurationConverter;
import dev.meteo.cli.options.ModeOption;
import dev.meteo.cli.options.RabbitOptions;
import dev.meteo.cli.options.StandardOptions;
import dev.meteo.cli.options.TlsOptions;
import dev.meteo.grpc.GrpcTransportSettings;
import dev.meteo.grpc.sensor.RecordBatchSettings;
import dev.meteo.grpc.sensor.RecordPublisherSettings;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.sensor.Sensor;
import dev.meteo.sensor.SensorFleet;
import dev.meteo.sensor.SensorSettings;
import dev.meteo.sensor.SensorType;
import dev.meteo.transport.Transport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

@Command(name = "sensor",
        description = {"Runs one sensor, or --count of them in one process: each takes a reading every --interval and "
                + "sends it to the load balancer (grpc) or the shared work queue (rabbit).", ""})
public final class SensorCommand extends RoleCommand {

    @Mixin
    StandardOptions standard;

    @Option(names = {"-t", "--type"}, required = true, paramLabel = "air|pollution",
            description = "What it measures: air (temperature + humidity) or pollution (CO2).")
    SensorType type;

    @Mixin
    ModeOption mode;

    @Option(names = "--id", paramLabel = "ID", description = "Sensor id, unique in the deployment (two sensors given one id share its identities and counts); with --count, the prefix of ids ID-1 .. ID-N (default: <type>-<host>, the same at every restart; -2, -3, ... for a second and third process of the host).")
    String id;

    @Option(names = "--count", defaultValue = "1", paramLabel = "N",
            description = "Sensors in this process: N independent sensors (own ids, own sequence numbers, first readings "
                    + "spread over the interval) on one scheduler thread and one connection; needs an --interval above 0 "
                    + "when above 1 (default: ${DEFAULT-VALUE}).")
    int count;

    /** How records travel to the load balancer in direct mode. */
    public enum Ingest {
        /** One call per record ({@code SendMeteoData}, {@code SendPollutionData}): the assignment's API. */
        UNARY,
        /** Many records per {@code SendBatch} call, each still confirmed on its own once stored. */
        BATCH;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Option(names = "--ingest", paramLabel = "unary|batch",
            description = "batch sends many records at once, each still confirmed on its own: grpc, many per call "
                    + "(SendBatch, confirmed once stored); rabbit, many per persistent message (a batch message, confirmed "
                    + "by the broker). unary sends one per call (SendMeteoData/SendPollutionData) or one per message, as "
                    + "the assignment describes (default: batch with --count above 1, else unary).")
    Ingest ingest;

    @Option(names = "--batch-size", defaultValue = "500", paramLabel = "N",
            description = "batch: records per call (grpc) or per message (rabbit) at most (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--linger", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "5ms",
            description = "batch: how long a record waits for others before a call or message leaves with what is there "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration linger;

    @Option(names = "--batches-in-flight", defaultValue = "8", paramLabel = "N",
            description = "batch: calls unanswered (grpc) or messages unconfirmed (rabbit) at most; records wait while "
                    + "they are all out, so batches grow "
                    + "with the load (default: ${DEFAULT-VALUE}).")
    int batchesInFlight;

    @Option(names = {"-i", "--interval"}, converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "1s",
            description = "Time between readings; 0 sends as fast as the in-flight bound allows (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--max-in-flight", defaultValue = "1024", paramLabel = "N",
            description = "Readings sent but not yet confirmed; when full, due readings are skipped and counted (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed of the detector's random source, for reproducible readings (default: a random seed).")
    Long seed;

    @Option(names = "--invalid-every", defaultValue = "0", paramLabel = "N",
            description = "Test input: make every N-th reading invalid (humidity 150 %%, negative CO2), so that it is "
                    + "rejected and counted rejected; 0: never (default: ${DEFAULT-VALUE}).")
    int invalidEvery;

    @Option(names = "--late-every", defaultValue = "0", paramLabel = "N",
            description = "Test input: date every N-th reading an hour back, so that it arrives late and is counted "
                    + "late; 0: never (default: ${DEFAULT-VALUE}).")
    int lateEvery;

    @Option(names = "--gate", paramLabel = "FILE",
            description = "Send at full speed (as --interval 0) only while FILE reads 'open', and hold while it reads "
                    + "anything else: a load harness bounds a queue so, since a broker confirms a record before it is "
                    + "processed; one sensor per process (default: none).")
    Path gate;

    @Option(names = "--sent-mark", hidden = true, paramLabel = "FILE",
            description = "Write the count of records sent to FILE before each one leaves (used by demo: a sensor killed "
                    + "with SIGKILL leaves its exact count there; one sensor per process).")
    Path sentMark;

    @ArgGroup(validate = false, heading = BalancerAddress.HEADING)
    BalancerAddress balancer = new BalancerAddress();

    @ArgGroup(validate = false, heading = RabbitOptions.HEADING)
    RabbitOptions rabbit = new RabbitOptions();

    @ArgGroup(validate = false, heading = TlsOptions.HEADING)
    TlsOptions tls = new TlsOptions();

    @Override
    protected String roleName() {
        return (count > 1 ? count + " sensors " + sensorId() + "-1.." + count : "sensor " + sensorId());
    }

    private String sensorId() {
        if (id == null) {
            id = Ids.claim(type.name().toLowerCase(Locale.ROOT) + "-");
        }
        return id;
    }

    private Ingest ingest() {
        return ingest != null ? ingest : count > 1 ? Ingest.BATCH : Ingest.UNARY;
    }

    @Override
    protected Running start() throws Exception {
        if (count < 1) {
            throw new IllegalArgumentException("--count must be 1 or more, not " + count);
        }
        if (count > 1 && sentMark != null) {
            throw new IllegalArgumentException("--sent-mark counts the records of one sensor: give it without --count");
        }
        if (count > 1 && (interval.isZero() || gate != null)) {
            throw new IllegalArgumentException("--count above 1 runs the sensors on a shared schedule: give --interval "
                    + "above 0 (a sensor at full speed runs alone)");
        }
        SensorSettings settings = SensorSettings.of(sensorId(), type).withInterval(interval).withMaxInFlight(maxInFlight);
        if (seed != null) {
            settings = settings.withSeed(seed);
        }
        int buffered = (int) Math.min(1 << 22, Math.max((long) RecordPublisherSettings.DEFAULT_MAX_BUFFERED,
                (long) count * maxInFlight));
        GrpcTransportSettings grpc = Transports.grpcSettings(balancer, null, null, tls)
                .withRecordPublisher(publisher -> publisher.withMaxBuffered(buffered))
                .withRecordBatches(batches -> new RecordBatchSettings(batchSize, linger, batchesInFlight));
        Transport transport = Transports.of(mode.mode(), rabbit, tls, grpc);
        if (transport instanceof RabbitTransport indirect) {
            transport = indirect.withFleetBatches(new RabbitBatchSettings(batchSize, linger, batchesInFlight,
                    Math.max(RabbitBatchSettings.DEFAULT_MAX_BUFFERED, buffered)));
        }
        RecordPublisher publisher = ingest() == Ingest.BATCH ? transport.openFleetPublisher(settings.id())
                : transport.openRecordPublisher(settings.id());
        String how = "(" + mode.mode() + ", " + ingest() + ")";
        RecordPublisher input = InjectedFaults.wrap(publisher, invalidEvery, lateEvery);
        if (count > 1) {
            return startFleet(settings, publisher, input, how);
        }
        RecordPublisher counted = sentMark == null ? input : SentMark.open(input, sentMark);
        Sensor sensor = new Sensor(settings, counted, clock());
        GatedEmitter gated = gate == null ? null : GatedEmitter.start(sensor, gate);
        if (gated == null) {
            sensor.start();
        }
        Console.info(roleName() + ": sending a reading every " + DurationConverter.format(interval) + " " + how);
        return new Running() {
            @Override
            public void bindMetrics(RoleMetrics metrics) {
                metrics.bind(sensor);
                metrics.bind(publisher);
            }

            @Override
            public void close() throws Exception {
                if (gated != null) {
                    gated.close();
                }
                sensor.close();
                counted.close();
            }
        };
    }

    private Running startFleet(SensorSettings template, RecordPublisher publisher, RecordPublisher input, String how) {
        SensorFleet fleet = new SensorFleet(SensorFleet.numbered(template, count), input, clock()).start();
        Console.info(roleName() + ": each sending a reading every " + DurationConverter.format(interval)
                + ", spread over it " + how);
        return new Running() {
            private volatile boolean closed;

            @Override
            public void bindMetrics(RoleMetrics metrics) {
                metrics.bind(fleet);
                metrics.bind(publisher);
            }

            /** Once closed, each sensor's final counters (the per-sensor accounting). */
            @Override
            public List<RoleReport.SensorCounts> sensors() {
                if (!closed) {
                    return List.of();
                }
                List<RoleReport.SensorCounts> counts = new ArrayList<>(count);
                for (Sensor sensor : fleet.sensors()) {
                    Sensor.Stats stats = sensor.stats();
                    counts.add(new RoleReport.SensorCounts(sensor.settings().id(), stats.sent(), stats.confirmed(),
                            stats.failed()));
                }
                return counts;
            }

            @Override
            public void close() throws Exception {
                fleet.close();
                publisher.close();
                closed = true;
            }
        };
    }
}
