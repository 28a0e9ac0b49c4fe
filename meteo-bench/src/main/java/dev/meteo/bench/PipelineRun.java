package dev.meteo.bench;

import dev.meteo.cli.metrics.RoleReport;

import dev.meteo.cli.dashboard.JsonlFileSink;
import dev.meteo.embedded.LoopbackPorts;
import dev.meteo.cli.options.DurationConverter;
import dev.meteo.cli.options.Mode;
import dev.meteo.process.ChildProcess;
import dev.meteo.process.Deployment;
import dev.meteo.process.Drain;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One mode's pipeline under load, every role its own OS process (as the demo runs them): start the load balancer
 * (grpc), the proxy, the servers and the terminals, then the sensors; warm up; measure (killing one server half-way
 * with {@code --fault}); stop the sensors, wait until every record sent is in a window, late or rejected, stop the
 * rest, and check the accounting on Redis's counts and every terminal's windows. Its own Redis prefix and RabbitMQ
 * names, deleted at the end.
 */
final class PipelineRun {

    /** Share of the pre-kill rate that counts as recovered. */
    static final double RECOVERED = 0.8;

    private final Mode mode;
    private final BenchSettings settings;
    private final SensorPlan plan;
    private final Progress progress;
    private final String redisPrefix;
    private final String rabbitPrefix;
    private final Path dataDir;
    private final SoakPlan soak;
    private QueueGate queueGate;

    PipelineRun(Mode mode, BenchSettings settings, SensorPlan plan, Progress progress) {
        this(mode, settings, plan, progress, null);
    }

    /** A soak run when {@code soak} is not null: samples what the run leaves behind while it measures. */
    PipelineRun(Mode mode, BenchSettings settings, SensorPlan plan, Progress progress, SoakPlan soak) {
        this.soak = soak;
        this.mode = mode;
        this.settings = settings;
        this.plan = plan;
        this.progress = progress;
        this.redisPrefix = settings.redis().keyPrefix() + "bench-" + settings.runId() + "-" + plan.label() + ":";
        this.rabbitPrefix = settings.rabbit().namePrefix() + "-bench-" + settings.runId() + "-" + plan.label();
        this.dataDir = settings.runDir().resolve(plan.label());
    }

    /** This run's deployment: its own prefixes and free ports, so that it never meets a demo or another run. */
    private Deployment deployment(String balancer, String proxy) {
        return new Deployment(mode, settings.redis().uri().toString(), redisPrefix, settings.rabbit().uri().toString(), rabbitPrefix, balancer, proxy,
                "127.0.0.1");
    }

    /** Rabbit mode: the bench's queue type and prefetch, so the pipeline runs on the queues PerfTest measured. */
    private List<String> withBrokerTuning(List<String> arguments) {
        if (mode == Mode.RABBIT) {
            arguments.add("--rabbit-queue-type=" + settings.rabbit().queueType());
            arguments.add("--rabbit-prefetch=" + settings.rabbit().prefetch());
        }
        return arguments;
    }

    private List<String> terminalIds() {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= settings.terminals(); i++) {
            ids.add("bench-" + i);
        }
        return ids;
    }

    Map<String, Object> run() throws Exception {
        try (RedisMeteoStore store = new RedisMeteoStore(RedisSettings.of(settings.redis().uri().toString(), redisPrefix))) {
            store.ping();
            try {
                return runWith(store);
            } finally {
                store.deleteAll();
                if (mode == Mode.RABBIT) {
                    deleteTopology();
                }
            }
        }
    }

    private void deleteTopology() {
        RabbitSettings rabbit = settings.rabbit().withNamePrefix(rabbitPrefix);
        try (com.rabbitmq.client.Connection connection = RabbitConnections.open(rabbit, "meteo-bench-cleanup")) {
            new Topology(rabbit).deleteAll(connection, terminalIds());
        } catch (Exception e) {
            progress.say("could not delete the RabbitMQ queues of " + rabbitPrefix + ": " + e.getMessage());
        }
    }

    private Map<String, Object> runWith(RedisMeteoStore store) throws Exception {
        Deployment deployment = deployment("127.0.0.1:" + LoopbackPorts.free(), "127.0.0.1:" + LoopbackPorts.free());
        try (Fleet fleet = new Fleet(dataDir.resolve("logs"), settings.childJvmOptions())) {
            progress.phase(plan.label(), "starting " + (settings.servers() + settings.terminals() + plan.processes()
                    + (mode == Mode.GRPC ? 2 : 1)) + " processes" + (plan.perProcess() > 1
                    ? " (" + plan.sensors() + " sensors in " + plan.processes() + " of them)" : ""));
            if (mode == Mode.GRPC) {
                fleet.start("lb", "lb", deployment.arguments("lb"));
            }
            List<String> proxyArgs = withBrokerTuning(deployment.arguments("proxy"));
            proxyArgs.addAll(List.of("--id=proxy-1", "--window=" + DurationConverter.format(settings.window()),
                    "--grace=" + DurationConverter.format(settings.grace())));
            if (soak != null && soak.retentionWindows() > 0) {
                proxyArgs.add("--retention=" + soak.retentionWindows());
            }
            if (soak != null) {
                proxyArgs.add("--result-retention=" + DurationConverter.format(soak.resultRetention()));
            }
            fleet.start("proxy", "proxy", proxyArgs);
            for (int i = 1; i <= settings.servers(); i++) {
                List<String> server = withBrokerTuning(deployment.arguments("server"));
                server.addAll(List.of("--id=server-" + i, "--delay=0"));
                fleet.start("server", "server-" + i, server);
            }
            for (String id : terminalIds()) {
                String name = "terminal-" + id.substring(id.indexOf('-') + 1);
                List<String> terminal = withBrokerTuning(deployment.arguments("terminal"));
                terminal.addAll(List.of("--id=" + id, "--data-dir=" + dataDir, "--dashboard=none", "--http-port=-1"));
                fleet.start("terminal", name, terminal);
            }
            fleet.awaitReady(90_000);
            if (mode == Mode.GRPC) {
                awaitRegistered(fleet);
            }
            Path gate = dataDir.resolve("sensor-gate");
            if (mode == Mode.RABBIT && plan.fullSpeed()) {
                queueGate = new QueueGate(settings.rabbit().withNamePrefix(rabbitPrefix), gate,
                        settings.rabbitQueueBound());
            }
            for (int i = 1; i <= plan.processes(); i++) {
                List<String> sensor = withBrokerTuning(deployment.arguments("sensor"));
                sensor.addAll(plan.arguments(i));
                if (queueGate != null) {
                    sensor.add("--gate=" + gate);
                }
                if (soak != null) {
                    sensor.add("--invalid-every=" + soak.invalidEvery());
                    sensor.add("--late-every=" + soak.lateEvery());
                }
                fleet.start("sensor", plan.name(i), sensor);
            }
            fleet.awaitReady(90_000);
            return measure(fleet, store);
        } finally {
            if (queueGate != null) {
                queueGate.close();
            }
        }
    }

    /** Records waiting in the work queue (passive declare), or -1 in direct mode or when the broker does not say. */
    private long workQueueDepth() {
        if (mode != Mode.RABBIT) {
            return -1;
        }
        RabbitSettings rabbit = settings.rabbit().withNamePrefix(rabbitPrefix);
        try (com.rabbitmq.client.Connection connection = RabbitConnections.open(rabbit, "meteo-bench-soak");
             com.rabbitmq.client.Channel channel = connection.createChannel()) {
            return channel.queueDeclarePassive(new Topology(rabbit).workQueue()).getMessageCount();
        } catch (Exception e) {
            return -1;
        }
    }

    /** The load balancer knows its servers once they registered; the servers' logs say so, the status does not. */
    private void awaitRegistered(Fleet fleet) throws InterruptedException {
        ChildProcess balancer = fleet.byRole("lb").get(0);
        awaitStatus(() -> balancer.report().liveServers() >= settings.servers(),
                "the compute servers did not register with the load balancer in 30 s", 30, fleet);
    }

    /**
     * The warm-up starts once records reach Redis, not when the sensors' JVMs say they are ready: on a loaded machine
     * their first calls can take longer than a short warm-up, and a measured period with nothing stored means nothing.
     */
    private void awaitFirstStored(List<ChildProcess> servers, Fleet fleet) throws InterruptedException {
        awaitStatus(() -> Fleet.sum(servers, RoleReport.RECORDS_STORED) > 0,
                "no record was stored in the 60 s after the sensors started", 60, fleet);
    }

    private static void awaitStatus(java.util.function.BooleanSupplier condition, String failure, int seconds,
                                    Fleet fleet) throws InterruptedException {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(failure + "; see " + fleet.logDir());
            }
            Thread.sleep(100); // polling other processes' status files: nothing to await on
        }
    }

    private Map<String, Object> measure(Fleet fleet, RedisMeteoStore store) throws Exception {
        List<ChildProcess> sensors = fleet.byRole("sensor");
        List<ChildProcess> servers = fleet.byRole("server");
        List<ChildProcess> terminals = fleet.byRole("terminal");
        RateSampler storedRate = new RateSampler(servers, RoleReport.RECORDS_STORED);
        RateSampler acceptedRate = new RateSampler(sensors, RoleReport.SENSOR_CONFIRMED);
        awaitFirstStored(servers, fleet);
        List<Double> warmupSamples = new ArrayList<>();
        Ticker ticker = new Ticker();
        long warmupSeconds = settings.warmup().toSeconds();
        for (long s = 1; s <= warmupSeconds; s++) {
            ticker.awaitSecond();
            double stored = storedRate.sample();
            double accepted = acceptedRate.sample();
            warmupSamples.add(round(stored));
            progress.tick(plan.label(), "warm-up", s, warmupSeconds, accepted, stored);
        }

        List<ProcessMeter> meters = new ArrayList<>();
        Map<String, String> roles = new LinkedHashMap<>();
        for (Fleet.Member member : fleet.members()) {
            meters.add(new ProcessMeter(member.process().name(), member.process().pid()));
            roles.put(member.process().name(), member.role());
        }
        ProcessMeter.findByCommand("redis-server").ifPresent(pid -> meters.add(new ProcessMeter("redis-server (shared)", pid)));
        if (mode == Mode.RABBIT) {
            ProcessMeter.findByCommand("beam.smp").ifPresent(pid -> meters.add(new ProcessMeter("rabbitmq beam.smp (shared)", pid)));
        }
        meters.forEach(ProcessMeter::start);
        List<Double> loadAverageStart = BenchOptions.loadAverage();
        long confirmedStart = Fleet.sum(sensors, RoleReport.SENSOR_CONFIRMED);
        long messagesStart = Fleet.sum(sensors, RABBIT_CONFIRMS);
        long storedStart = Fleet.sum(servers, RoleReport.RECORDS_STORED);
        // the same timers /metrics shows, read at the start and the end of the measured period
        RoleReport.Histogram latencyStart = Fleet.timer(servers, RoleReport.RECORD_LATENCY);
        RoleReport.Histogram windowStart = Fleet.timer(terminals, RoleReport.WINDOW_DELAY);
        long measureStartNanos = System.nanoTime();

        SoakSampler soakSampler = soak == null ? null : new SoakSampler(settings.redis(), redisPrefix, store,
                fleet.members().stream().map(Fleet.Member::process).toList(), this::workQueueDepth,
                (long) plan.sensors() * plan.maxInFlight());
        List<Double> samples = new ArrayList<>();
        long measureSeconds = settings.measure().toSeconds();
        long killAtSecond = settings.fault() ? Math.max(1, measureSeconds / 2) : -1;
        for (long s = 1; s <= measureSeconds; s++) {
            ticker.awaitSecond();
            double stored = storedRate.sample();
            double accepted = acceptedRate.sample();
            samples.add(round(stored));
            meters.forEach(ProcessMeter::sample);
            progress.tick(plan.label(), "measure", s, measureSeconds, accepted, stored);
            if (soakSampler != null && s % soak.every().toSeconds() == 0) {
                soakSampler.sample(s);
            }
            if (s == killAtSecond) {
                ChildProcess victim = servers.get(0);
                progress.say(plan.label() + ": killing " + victim.name() + " (SIGKILL)");
                victim.kill();
            }
        }
        double seconds = (System.nanoTime() - measureStartNanos) / 1e9;
        long confirmedEnd = Fleet.sum(sensors, RoleReport.SENSOR_CONFIRMED);
        long messagesEnd = Fleet.sum(sensors, RABBIT_CONFIRMS);
        long storedEnd = Fleet.sum(servers, RoleReport.RECORDS_STORED);
        RoleReport.Histogram latency = Fleet.timer(servers, RoleReport.RECORD_LATENCY).since(latencyStart);
        RoleReport.Histogram windowDelay = Fleet.timer(terminals, RoleReport.WINDOW_DELAY).since(windowStart);
        meters.forEach(ProcessMeter::stop);
        List<Double> loadAverage = BenchOptions.loadAverage();
        Map<String, Object> redisMemory = RedisMemory.of(settings.redis(), redisPrefix);

        Accounting accounting = drainAndCount(fleet, store);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sensors", plan.sensors());
        out.put("sensor_processes", plan.processes());
        out.put("sensor_interval", plan.interval());
        out.put("ingest", plan.ingest() != null ? plan.ingest() : mode == Mode.GRPC ? "unary" : null);
        out.put("records_per_s", Math.round((confirmedEnd - confirmedStart) / seconds));
        out.put("stored_per_s", Math.round((storedEnd - storedStart) / seconds));
        out.put("ratio_to_limit", null); // filled in by BenchCommand, which knows the limit
        out.put("latency_ms", percentilesMillis(latency));
        out.put("latency_samples", latency.count());
        out.put("window_latency_ms", percentilesMillis(windowDelay));
        out.put("window_latency_samples", windowDelay.count());
        out.put("sent", accounting.verdict().sent());
        out.put("lost", accounting.lost());
        out.put("late", accounting.verdict().late());
        out.put("rejected", accounting.verdict().rejected());
        out.put("accounting_holds", accounting.holds());
        out.put("accounting", accounting.toMap());
        List<Map<String, Object>> processes = meters.stream().map(ProcessMeter::toMap).toList();
        out.put("processes", processes);
        out.put("max_rss_mb_by_role", maxRssByRole(processes, roles));
        out.put("records_per_message", mode == Mode.RABBIT && messagesEnd > messagesStart
                ? Math.round((confirmedEnd - confirmedStart) * 10.0 / (messagesEnd - messagesStart)) / 10.0 : null);
        out.put("redis_memory", redisMemory);
        out.put("fault", settings.fault() ? fault(samples, killAtSecond, accounting) : null);
        if (soakSampler != null) {
            out.put("soak", soakSampler.toMap());
        }
        out.put("samples_per_s", samples);
        out.put("warmup_samples_per_s", warmupSamples);
        if (queueGate != null) {
            Map<String, Object> admission = new LinkedHashMap<>();
            admission.put("kind", "sensors pause while the work queue holds more than high ready records, resume below high/2");
            admission.put("high", queueGate.high());
            admission.put("gate_closings", queueGate.closings());
            admission.put("max_depth_seen", queueGate.maxDepth());
            out.put("admission", admission);
        }
        out.put("load_average_start_of_measure", loadAverageStart);
        out.put("load_average_end_of_measure", loadAverage);
        out.put("measured_s", Math.round(seconds * 10) / 10.0);
        out.put("redis_prefix", redisPrefix);
        out.put("logs", fleet.logDir().toString());
        return out;
    }

    /** Messages the broker confirmed to the sensors (a batch is one): records per message in indirect mode. */
    static final String RABBIT_CONFIRMS = "meteo.rabbit.confirms";

    /** Per role (sensor, server, terminal, proxy, lb), the largest RSS of its processes, MB; shared ones left out. */
    static Map<String, Object> maxRssByRole(List<Map<String, Object>> processes, Map<String, String> roles) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map<String, Object> process : processes) {
            String role = roles.get(String.valueOf(process.get("name")));
            if (role != null && process.get("rss_mb") instanceof Number rss) {
                out.merge(role, rss.doubleValue(), (a, b) -> Math.max(((Number) a).doubleValue(), ((Number) b).doubleValue()));
            }
        }
        return out;
    }

    /**
     * Recovery after the kill: the pre-kill rate is the mean of the (up to 5) samples before it; recovered at the end of
     * the first second after the kill whose rate is at least {@link #RECOVERED} of it. Samples are one second long, so
     * the figure is a whole number of seconds, 1 meaning "no visible dip".
     */
    static Map<String, Object> fault(List<Double> samples, long killAtSecond, Accounting accounting) {
        int kill = (int) killAtSecond; // samples[kill - 1] is the second that ended with the kill
        double before = samples.subList(Math.max(0, kill - 5), kill).stream().mapToDouble(Double::doubleValue).average().orElse(0);
        Double recovery = null;
        double lowest = Double.MAX_VALUE;
        for (int i = kill; i < samples.size(); i++) {
            lowest = Math.min(lowest, samples.get(i));
            if (samples.get(i) >= RECOVERED * before) {
                recovery = (double) (i - kill + 1);
                break;
            }
        }
        // With one server fewer the pipeline may settle below the old rate (rabbit's consumers are bound by their
        // prefetch round trips, not CPU): also say when it reached its new level, 80 % of the last third's mean.
        List<Double> after = samples.subList(Math.min(kill, samples.size()), samples.size());
        double settled = after.subList(after.size() * 2 / 3, after.size()).stream().mapToDouble(Double::doubleValue)
                .average().orElse(0);
        Double stabilised = null;
        for (int i = 0; i < after.size(); i++) {
            if (after.get(i) >= RECOVERED * settled) {
                stabilised = (double) (i + 1);
                break;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("recovery_s", recovery);
        out.put("recovered", recovery != null);
        out.put("lost", accounting.lost());
        out.put("accounting_holds", accounting.holds());
        out.put("killed", "server-1");
        out.put("killed_at_measure_s", killAtSecond);
        out.put("pre_kill_per_s", Math.round(before));
        out.put("lowest_after_kill_per_s", lowest == Double.MAX_VALUE ? null : Math.round(lowest));
        out.put("recovered_at_share", RECOVERED);
        out.put("settled_after_kill_per_s", Math.round(settled));
        out.put("settled_s", stabilised);
        out.put("definition", "recovery_s: seconds from the kill to the end of the first one-second sample at >= 80 % of "
                + "the mean of the 5 samples before it (null: not within the measured period); settled_s: the same "
                + "against 80 % of the mean of the last third of the samples after the kill");
        return out;
    }

    /** The drained run's accounting ({@link Drain.Verdict}), and whether the windows closed in time. */
    record Accounting(Drain.Verdict verdict, boolean drained) {

        long lost() {
            return verdict.lost();
        }

        boolean holds() {
            return verdict.holds();
        }

        Map<String, Object> toMap() {
            Map<String, Object> out = verdict.toMap();
            out.put("drained_in_time", drained);
            return out;
        }
    }

    /** Stops the sensors, waits until their records are all in closed windows (or late/rejected), then stops the rest. */
    private Accounting drainAndCount(Fleet fleet, RedisMeteoStore store) throws InterruptedException {
        progress.phase(plan.label(), "stopping the sensors and letting the open windows close");
        fleet.stop("sensor");
        long stoppedAt = System.currentTimeMillis();
        List<Drain.SensorReport> reports = fleet.byRole("sensor").stream()
                .flatMap(sensor -> Drain.sensorReports(sensor.name(), sensor.report()).stream()).toList();
        long confirmed = reports.stream().mapToLong(Drain.SensorReport::confirmed).sum();
        Path reference = JsonlFileSink.file(dataDir, terminalIds().get(0));
        long deadline = System.currentTimeMillis() + settings.window().toMillis() + settings.grace().toMillis() + 60_000;
        List<Path> terminalFiles = terminalIds().stream().map(id -> JsonlFileSink.file(dataDir, id)).toList();
        boolean drained = Drain.awaitAccounted(reference, terminalFiles, stoppedAt, confirmed, store, deadline);
        if (!drained) {
            progress.say(plan.label() + ": gave up waiting for the windows to close; the accounting shows what is open");
        }
        fleet.stop("terminal", "server", "proxy", "lb");
        return new Accounting(Drain.verdict(reports, terminalFiles, store), drained);
    }

    /** Quantiles of a timer's histogram, in ms, read as Prometheus's {@code histogram_quantile} reads them. */
    static Map<String, Object> percentilesMillis(RoleReport.Histogram histogram) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (double quantile : QUANTILES) {
            Double value = histogram.quantile(quantile);
            out.put("p" + Math.round(quantile * 100), value == null ? null : Math.round(value * 1000) / 1000.0);
        }
        return out;
    }

    private static final double[] QUANTILES = {0.5, 0.95, 0.99};

    static double round(double value) {
        return Math.round(value);
    }
}
