package dev.meteo.demo;

import dev.meteo.process.RunId;
import dev.meteo.cli.LauncherSubcommand;
import dev.meteo.cli.metrics.RoleReport;
import com.rabbitmq.client.Connection;
import dev.meteo.embedded.EmbeddedServices;
import dev.meteo.embedded.HaServices;
import dev.meteo.cli.io.Console;
import dev.meteo.cli.io.Json;
import dev.meteo.cli.io.Logs;
import dev.meteo.process.Scrapes;
import dev.meteo.cli.options.BalancerAddress;
import dev.meteo.cli.options.BindOptions;
import dev.meteo.cli.options.DelayRangeConverter;
import dev.meteo.cli.options.DurationConverter;
import dev.meteo.cli.options.Mode;
import dev.meteo.cli.options.ModeOption;
import dev.meteo.cli.options.ProxyAddress;
import dev.meteo.cli.options.RabbitOptions;
import dev.meteo.cli.options.RedisOptions;
import dev.meteo.cli.options.StandardOptions;
import dev.meteo.process.Nemesis;
import dev.meteo.process.NetnsHosts;
import dev.meteo.process.ChildProcess;
import dev.meteo.process.Deployment;
import dev.meteo.process.Drain;
import dev.meteo.cli.command.SentMark;
import dev.meteo.process.Supervisor;
import dev.meteo.process.WindowArrivals;
import dev.meteo.formula.ProcessingDelay;
import dev.meteo.grpc.Endpoint;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.model.WindowResult;
import dev.meteo.nemesis.Checker;
import dev.meteo.nemesis.Fault;
import dev.meteo.nemesis.FaultKind;
import dev.meteo.nemesis.History;
import dev.meteo.nemesis.RunSample;
import dev.meteo.nemesis.Schedule;
import dev.meteo.nemesis.SensorReports;
import dev.meteo.nemesis.SlowLink;
import dev.meteo.nemesis.TerminalFile;
import dev.meteo.nemesis.Timeline;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

@Command(name = "demo",
        description = {"Runs the whole system on this machine, one OS process per role (sensors, compute servers, the "
                + "load balancers in grpc mode, an active and a standby proxy, terminals), shows the first terminal's "
                + "live dashboard, and on Ctrl-C or after --duration stops everything in order, lets the open windows "
                + "close, and prints the accounting: every record sent is in exactly one window, late, or rejected.",
                "",
                "Supervision: a child that exits is reported at once (\"server-2 exited, signal 9 (SIGKILL)\") and "
                        + "started again after a backoff of its own (1 s doubling to 30 s). --chaos runs a seeded "
                        + "schedule of faults (--chaos-faults) over the children, writes each to history.jsonl, and at "
                        + "the end judges the run (verdict.json, timeline.svg).",
                "",
                "Each run uses its own Redis key prefix and RabbitMQ names (--redis-prefix and --rabbit-prefix with "
                        + "demo-<run id> appended), so runs never mix. Logs: <data-dir>/<run id>/logs/.",
                ""})
public final class DemoCommand implements Callable<Integer>, LauncherSubcommand {

    @Mixin
    StandardOptions standard;

    @Mixin
    ModeOption mode;

    @Option(names = "--air-sensors", paramLabel = "N", defaultValue = "2", description = "Air sensors (default: ${DEFAULT-VALUE}).")
    int airSensors;

    @Option(names = "--pollution-sensors", paramLabel = "N", defaultValue = "2", description = "Pollution sensors (default: ${DEFAULT-VALUE}).")
    int pollutionSensors;

    @Option(names = "--servers", paramLabel = "N", defaultValue = "2", description = "Compute servers (default: ${DEFAULT-VALUE}).")
    int servers;

    @Option(names = "--terminals", paramLabel = "N", defaultValue = "2", description = "Terminals (default: ${DEFAULT-VALUE}).")
    int terminals;

    @Option(names = "--proxies", paramLabel = "N", defaultValue = "2",
            description = "Proxies: one active, the others standbys that take over when it dies (ids proxy-1..N). In "
                    + "grpc mode each listens on its own address: those of --proxy, then the next free ports after the "
                    + "last one; terminals register with all (default: ${DEFAULT-VALUE}).")
    int proxies;

    @Option(names = "--lbs", paramLabel = "N", defaultValue = "1",
            description = "grpc: load balancers, all active, on the addresses of --lb then the next free ports after the "
                    + "last one; sensors and compute servers are given all of them (default: ${DEFAULT-VALUE}).")
    int balancers;

    @Option(names = "--chaos", arity = "0..1", fallbackValue = "10s", converter = DurationConverter.class,
            paramLabel = "PERIOD",
            description = "Run a seeded schedule of faults of --chaos-faults, one at a time, PERIOD (10s when not given) "
                    + "apart and none in the first and last PERIOD, each on a child of --chaos-roles drawn at random "
                    + "(a proxy fault strikes the active proxy). Each fault is written to <run>/history.jsonl; at the "
                    + "end the checker judges the run from the terminals' files, the sensors' reports, Redis and the "
                    + "history (<run>/verdict.json, <run>/timeline.svg) and the demo exits 2 when it fails. The seed is "
                    + "printed at the start and in the summary: --chaos-seed replays the schedule.")
    Duration chaos;

    @Option(names = "--chaos-roles", split = ",", paramLabel = "ROLE[,ROLE...]",
            description = "Which kinds --chaos strikes, among server, terminal, proxy, lb, sensor, and with --topology "
                    + "ha redis and rabbit (default: all).")
    List<String> chaosRoles;

    @Option(names = "--topology", paramLabel = "local|ha", defaultValue = "local",
            description = "local: every child on this machine's loopback, against the configured (or embedded) Redis "
                    + "and broker. ha: every child on a host of its own, a Linux network namespace made with "
                    + "--netns-script (needs root and iproute2), and the stores started for the run on the hosts' "
                    + "bridge: a Redis primary and a replica under three Sentinels, a RabbitMQ cluster of three nodes "
                    + "(quorum queues); --chaos-faults may then also be partition-host, partition-sensor-lb, "
                    + "redis-primary-loss and rabbit-node-loss. Give it the roles to lose, e.g. --lbs 2 --servers 3 "
                    + "(default: ${DEFAULT-VALUE}).")
    String topology;

    @Option(names = "--netns-script", paramLabel = "FILE", defaultValue = "deploy/netns/meteo-netns",
            description = "--topology ha: the script that makes the hosts (default: ${DEFAULT-VALUE}, from the root of "
                    + "a checkout).")
    Path netnsScript;

    @Option(names = "--chaos-faults", split = ",", paramLabel = "FAULT[,FAULT...]", defaultValue = "kill",
            description = "Which faults --chaos injects: kill (SIGKILL; the supervisor restarts the child), pause "
                    + "(SIGSTOP, then SIGCONT), clock-offset (a server, the active proxy or a sensor restarted with its "
                    + "clock up to a quarter of --grace ahead or behind, then without), slow-link (grpc: the link from "
                    + "the sensors to a load balancer, rabbit: from a compute server to the broker, holds every chunk "
                    + "50 ms to a quarter of --grace), terminal-disk-full (a terminal's file size limit lowered with "
                    + "prlimit so it refuses windows); with --topology ha also partition-host (a host's link down), "
                    + "partition-sensor-lb (a sensor's host cut from the load balancers), redis-primary-loss (SIGKILL "
                    + "to the primary; the Sentinels promote the replica; the old one returns as a replica) and "
                    + "rabbit-node-loss (SIGKILL to one node; it returns to the cluster); all: every one the topology "
                    + "can inject (default: ${DEFAULT-VALUE}).")
    List<String> chaosFaults;

    @Option(names = "--chaos-pause", converter = DelayRangeConverter.class, defaultValue = "2s..20s",
            paramLabel = "MIN..MAX", description = "How long a pause, a clock offset, a slow link or a terminal disk "
            + "fault lasts, at random in this range; with --retention, a quarter of the pauses last past the retention "
            + "when MAX allows (default: ${DEFAULT-VALUE}).")
    ProcessingDelay chaosPause;

    @Option(names = "--retention", paramLabel = "N",
            description = "Passed to the proxies: closed windows whose statistics stay in Redis (default: the proxy's).")
    Integer retention;

    @Option(names = "--chaos-seed", paramLabel = "N", description = "Seed of --chaos's schedule, printed at the start and in the summary: the same "
            + "seed with the same flags replays the same faults (default: a random seed).")
    Long chaosSeed;

    @Option(names = "--interval", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "500ms",
            description = "Time between two readings of one sensor (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--window", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "2s",
            description = "Tumbling window length Y (default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--grace", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "6s",
            description = "Grace after a window's end; keep it well above the largest --delay: a loaded machine adds "
                    + "its own wait to every record, so 6 s over the default 3.5 s leaves none late (default: ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--delay", converter = DelayRangeConverter.class, defaultValue = "0.5s..3.5s", paramLabel = "MIN..MAX",
            description = "Simulated processing time per record, as the assignment's reference (default: ${DEFAULT-VALUE}).")
    ProcessingDelay delay;

    @Option(names = "--duration", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Stop after this long (e.g. 30s); runs until Ctrl-C when not given.")
    Duration duration;

    @Option(names = "--headless", description = "No dashboard: plain progress lines (for CI and scripts).")
    boolean headless;

    @Option(names = "--keep", description = "Keep the run's Redis keys and RabbitMQ names when its accounting holds, "
            + "for 'meteo status --redis-prefix <the run's>' (kept anyway when it does not; 'meteo reset' removes them).")
    boolean keep;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "meteo-data",
            description = "Where terminals save windows (terminal-<id>.jsonl), the summary and the logs, in a "
                    + "sub-folder per run (default: ${DEFAULT-VALUE}).")
    Path dataRoot;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
            description = "The first terminal's HTTP dashboard port; the others take the next ones; 0 for free ports "
                    + "(default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--no-embedded",
            description = "Fail instead of starting an embedded Redis/broker when the configured one does not answer.")
    boolean noEmbedded;

    @ArgGroup(validate = false, heading = RedisOptions.HEADING)
    RedisOptions redis = new RedisOptions();

    @ArgGroup(validate = false, heading = RabbitOptions.HEADING)
    RabbitOptions rabbit = new RabbitOptions();

    @ArgGroup(validate = false, heading = BalancerAddress.HEADING)
    BalancerAddress balancer = new BalancerAddress();

    @ArgGroup(validate = false, heading = ProxyAddress.HEADING)
    ProxyAddress registry = new ProxyAddress();

    @ArgGroup(validate = false, heading = BindOptions.HEADING)
    BindOptions bind = new BindOptions();

    /** The roles that serve the others, stopped after the sensors and the drain, in this order. */
    private static final String[] BACKENDS = {"lb", "proxy", "server"};

    private Supervisor supervisor;
    private Nemesis nemesis;
    private Schedule schedule;
    private History history;
    private Instant chaosStart;
    private Instant chaosEnd;
    private final List<RunSample> samples = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService sampler;
    /** Per target (lb-N in grpc, server-N in rabbit), the relay placed in front of it for slow-link faults. */
    private final Map<String, SlowLink> slowLinks = new LinkedHashMap<>();
    private WindowArrivals arrivals;
    private Path runDir;
    private Deployment deployment;
    /** The HA topology's hosts and stores, or null for --topology local. */
    private Nemesis.Ha ha;

    @Override
    public Integer call() throws Exception {
        String runId = RunId.next();
        Logs.identify("demo", runId);
        runDir = dataRoot.resolve(runId);
        List<String> roles = chaosRoles();
        Set<FaultKind> kinds = chaosKinds();
        Path logDir = runDir.resolve("logs");
        Files.createDirectories(logDir);
        try {
            if (ha()) {
                ha = startHa(runId);
            }
            return run(runId, roles, kinds, logDir);
        } finally {
            closeHa();
        }
    }

    /** Stops the HA topology's stores and removes its hosts, once (also before a shutdown hook lets the JVM end). */
    private void closeHa() throws IOException, InterruptedException {
        if (ha != null) {
            Nemesis.Ha closing = ha;
            ha = null;
            closing.services().close();
            closing.hosts().close();
        }
    }

    private Integer run(String runId, List<String> roles, Set<FaultKind> kinds, Path logDir) throws Exception {
        String redisUri = ha != null ? ha.services().redisUri() : redis.uri();
        String rabbitUri = ha != null && mode.mode() == Mode.RABBIT ? ha.services().rabbitUri() : rabbit.uri();
        try (EmbeddedServices services = EmbeddedServices.ensure(redisUri, rabbitUri, mode.mode() == Mode.RABBIT,
                !noEmbedded && ha == null);
             RedisMeteoStore store = openStore(services, runId);
             PrintWriter sharedLog = new PrintWriter(Files.newBufferedWriter(logDir.resolve("all.log"), StandardCharsets.UTF_8), true)) {
            CountDownLatch stop = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                stop.countDown();
                try {
                    done.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "demo-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            int exit;
            DemoDisplay display = null;
            supervisor = new Supervisor(logDir, sharedLog, line -> Console.info("demo: " + line), this::writeTargetsAgain);
            try {
                Console.info("demo: " + mode.mode() + " mode, run " + runId + ", data and logs in " + runDir);
                if (kinds.contains(FaultKind.SLOW_LINK)) {
                    placeSlowLinks(roles);
                }
                startAll(logDir);
                display = DemoDisplay.open(!headless, mode.mode(), "1", runDir.resolve("terminal-1.jsonl"), store,
                        () -> "running; logs in " + logDir, this::processesLine);
                if (chaos != null) {
                    startChaos(store, roles, kinds);
                }
                if (duration == null) {
                    stop.await();
                } else if (stop.await(duration.toMillis(), TimeUnit.MILLISECONDS)) {
                    Console.info("demo: interrupted before --duration elapsed");
                }
                if (nemesis != null) {
                    nemesis.close();
                    chaosEnd = Instant.now();
                }
                if (display != null) {
                    display.close();
                    display = null;
                }
                exit = stopAndSummarise(store);
            } finally {
                if (nemesis != null) {
                    nemesis.close();
                }
                stopSampling();
                if (arrivals != null) {
                    arrivals.close();
                }
                if (history != null) {
                    history.close();
                }
                supervisor.retire();
                supervisor.close();
                if (display != null) {
                    display.close();
                }
                stopChildren(supervisor.children("terminal"));
                stopChildren(supervisor.children(BACKENDS));
                stopChildren(supervisor.children("sensor"));
                slowLinks.values().forEach(SlowLink::close);
                try {
                    closeHa(); // here: once done is counted down, a shutdown hook lets the JVM end
                } finally {
                    done.countDown();
                }
            }
            if (duration != null) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            return exit;
        }
    }

    private boolean ha() {
        return switch (topology) {
            case "local" -> false;
            case "ha" -> true;
            default -> throw new IllegalArgumentException("--topology: '" + topology + "' is neither local nor ha");
        };
    }

    /** The children's names, each one a host of the HA topology. */
    private List<String> childNames() {
        List<String> names = new ArrayList<>();
        if (mode.mode() == Mode.GRPC) {
            IntStream.rangeClosed(1, balancers).forEach(i -> names.add("lb-" + i));
        }
        IntStream.rangeClosed(1, proxies).forEach(i -> names.add("proxy-" + i));
        IntStream.rangeClosed(1, servers).forEach(i -> names.add("server-" + i));
        IntStream.rangeClosed(1, terminals).forEach(i -> names.add("terminal-" + i));
        IntStream.rangeClosed(1, airSensors).forEach(i -> names.add("air-" + i));
        IntStream.rangeClosed(1, pollutionSensors).forEach(i -> names.add("pollution-" + i));
        return names;
    }

    /**
     * The HA topology: a host per child (the namespaces named after the run, on a /24 no other topology here holds, so
     * two runs on one machine do not meet) and the stores on the bridge.
     */
    private Nemesis.Ha startHa(String runId) throws IOException, InterruptedException {
        String why = NetnsHosts.unavailable();
        if (why != null) {
            throw new IllegalArgumentException("--topology ha: " + why);
        }
        String missing = HaServices.unavailable();
        if (missing != null) {
            throw new IllegalArgumentException("--topology ha: " + missing);
        }
        // eight characters at most: the script names links after the topology's first eight
        String name = "mha" + String.format("%05x", Math.floorMod(runId.hashCode(), 0x100000));
        NetnsHosts hosts = NetnsHosts.upOnFreeSubnet(netnsScript, name, "10.232", runId.hashCode(), childNames());
        boolean withRabbit = mode.mode() == Mode.RABBIT;
        Console.info("demo: --topology ha: " + childNames().size() + " hosts (" + name + "-*) on "
                + hosts.bridgeAddress() + "/24; starting Redis primary + replica + 3 Sentinels"
                + (withRabbit ? " and 3 RabbitMQ nodes" : "") + " on the bridge");
        try {
            HaServices services = HaServices.start(hosts.bridgeAddress(), runDir.resolve("services"), withRabbit);
            Console.info("demo: --topology ha: Redis " + services.redisUri()
                    + (withRabbit ? ", RabbitMQ nodes " + services.rabbitNodes() : ""));
            return new Nemesis.Ha(hosts, services);
        } catch (IOException | RuntimeException | InterruptedException e) {
            hosts.close();
            throw e;
        }
    }

    /** Roles that register an address for others to dial back: in the HA topology, their host's. */
    private static final Set<String> ADVERTISING = Set.of("server", "terminal");

    /** Starts a supervised child: on this machine, or in the HA topology on its host, listening on its address. */
    private Supervisor.Slot startChild(String role, String name, List<String> arguments, List<Path> companions)
            throws IOException {
        if (ha == null) {
            return supervisor.start(role, name, arguments, companions);
        }
        String address = ha.hosts().address(name);
        arguments.replaceAll(argument -> argument.startsWith("--bind=") ? "--bind=" + address : argument);
        if (ADVERTISING.contains(role)) {
            arguments.add("--advertise=" + address);
        }
        arguments.add("--metrics-host=" + address); // where the demo scrapes it from the machine
        return supervisor.start(role, name, ha.hosts().wrapper(name), arguments, companions);
    }

    /**
     * Points the children at the services that answer (the configured ones, or embedded ones started instead), under
     * this run's own prefixes: the configured ones with {@code demo-<run id>} appended.
     */
    private RedisMeteoStore openStore(EmbeddedServices services, String runId) {
        services.notices().forEach(notice -> Console.info("demo: " + notice));
        if (proxies < 1 || balancers < 1) {
            throw new IllegalArgumentException("--proxies and --lbs need 1 or more");
        }
        int balancerPort = balancer.endpoints().get(0).port();
        int proxyPort = registry.endpoints().get(0).port();
        List<Endpoint> balancerAddresses = ha != null && mode.mode() == Mode.GRPC
                ? hostAddresses("lb", balancers, balancerPort)
                : addresses(balancer.endpoints(), balancers, registry.endpoints());
        List<Endpoint> proxyAddresses = ha != null ? hostAddresses("proxy", proxies, proxyPort)
                : addresses(registry.endpoints(), proxies, balancerAddresses);
        deployment = new Deployment(mode.mode(), services.redisUri(), redis.prefix() + "demo-" + runId + ":",
                services.rabbitUri(), rabbit.prefix() + "-demo-" + runId,
                balancerAddresses.stream().map(Endpoint::toString).toList(),
                proxyAddresses.stream().map(Endpoint::toString).toList(), bind.host());
        RedisMeteoStore store = new RedisMeteoStore(RedisSettings.of(deployment.redisUri(), deployment.redisPrefix()));
        store.ping();
        return store;
    }

    /** The HA topology: {@code <role>-1 .. <role>-count} each on its host's address, the same port. */
    private List<Endpoint> hostAddresses(String role, int count, int port) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> new Endpoint(ha.hosts().address(role + "-" + i), port))
                .toList();
    }

    /**
     * {@code count} addresses: those {@code given}, then the ports after the last one given, skipping those
     * {@code taken} by the other role (the load balancers' and the proxies' defaults are neighbours: 7101, 7102).
     */
    static List<Endpoint> addresses(List<Endpoint> given, int count, List<Endpoint> taken) {
        List<Endpoint> all = new ArrayList<>(given.subList(0, Math.min(count, given.size())));
        Endpoint last = given.get(given.size() - 1);
        int port = last.port();
        while (all.size() < count) {
            Endpoint next = new Endpoint(last.host(), ++port);
            if (!taken.contains(next) && !all.contains(next)) {
                all.add(next);
            }
        }
        return all;
    }

    private void startAll(Path logDir) throws IOException, InterruptedException {
        if (mode.mode() == Mode.GRPC) {
            for (int i = 1; i <= balancers; i++) {
                startChild("lb", "lb-" + i, withDemoFlags(deployment.arguments("lb", i)), List.of());
            }
        }
        for (int i = 1; i <= proxies; i++) {
            List<String> proxy = deployment.arguments("proxy", i);
            proxy.addAll(List.of("--id=proxy-" + i, "--window=" + DurationConverter.format(window),
                    "--grace=" + DurationConverter.format(grace)));
            if (retention != null) {
                proxy.add("--retention=" + retention);
            }
            startChild("proxy", "proxy-" + i, withDemoFlags(proxy), List.of());
        }
        for (int i = 1; i <= servers; i++) {
            List<String> server = deployment.arguments("server");
            server.addAll(List.of("--id=server-" + i, "--delay=" + DelayRangeConverter.format(delay)));
            SlowLink toBroker = slowLinks.get("server-" + i);
            if (toBroker != null) { // rabbit: this server reaches the broker through its relay
                server.replaceAll(argument -> argument.startsWith("--rabbit-uri=") ? "--rabbit-uri="
                        + throughRelay(deployment.rabbitUri(), toBroker) : argument);
            }
            startChild("server", "server-" + i, withDemoFlags(server), List.of());
        }
        for (int i = 1; i <= terminals; i++) {
            List<String> terminal = deployment.arguments("terminal");
            terminal.addAll(List.of("--id=" + i, "--data-dir=" + runDir, "--dashboard=none",
                    "--http-port=" + (httpPort == 0 ? 0 : httpPort + i - 1))); // window and grace: the proxy's, from Redis
            startChild("terminal", "terminal-" + i, withDemoFlags(terminal), List.of());
        }
        // Sensors last, once the rest is up: records sent into a half-started system would only wait in retries.
        long deadline = System.currentTimeMillis() + 60_000;
        for (Supervisor.Slot slot : supervisor.slots()) {
            if (!slot.awaitReady(deadline)) {
                throw new IllegalStateException(slot.name() + " did not start: see " + logDir.resolve(slot.name() + ".log"));
            }
        }
        for (int i = 1; i <= airSensors + pollutionSensors; i++) {
            boolean air = i <= airSensors;
            String id = (air ? "air-" : "pollution-") + (air ? i : i - airSensors);
            // its exact count of records sent, for the accounting should it be killed (its status lags up to 1 s)
            Path sentMark = logDir.resolve(id + ".sent");
            List<String> sensor = deployment.arguments("sensor");
            if (mode.mode() == Mode.GRPC && !slowLinks.isEmpty()) { // the sensors reach each load balancer through its relay
                sensor.replaceAll(argument -> argument.startsWith("--lb=") ? "--lb=" + String.join(",",
                        slowLinks.values().stream().map(link -> hostPort(link.address())).toList()) : argument);
            }
            sensor.addAll(List.of("--type=" + (air ? "air" : "pollution"), "--id=" + id,
                    "--interval=" + DurationConverter.format(interval), "--sent-mark=" + sentMark));
            startChild("sensor", id, withDemoFlags(sensor), List.of(sentMark));
        }
        for (Supervisor.Slot sensor : supervisor.slots("sensor")) {
            sensor.awaitReady(deadline);
        }
        Console.info("demo: started " + supervisor.slots().size() + " processes");
        writeTargets();
    }

    /** The roles --chaos strikes: --chaos-roles, or all; the load balancers only in grpc mode. */
    private List<String> chaosRoles() {
        if (chaos == null) {
            return List.of();
        }
        List<String> known = new ArrayList<>(CHAOS_ROLES);
        if (ha()) {
            known.addAll(HA_CHAOS_ROLES);
        }
        List<String> roles = new ArrayList<>(chaosRoles == null || chaosRoles.isEmpty() ? known : chaosRoles);
        for (String role : roles) {
            if (!known.contains(role)) {
                throw new IllegalArgumentException("--chaos-roles: no role " + role + "; choose among " + known
                        + (HA_CHAOS_ROLES.contains(role) ? " (" + role + " needs --topology ha)" : ""));
            }
        }
        if (mode.mode() != Mode.GRPC) {
            roles.remove("lb");
        } else {
            roles.remove("rabbit"); // no broker in grpc mode
        }
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("--chaos-roles: no role to strike in " + mode.mode() + " mode");
        }
        return roles;
    }

    /** The kinds of --chaos-faults, each one the demo can inject on one machine. */
    private Set<FaultKind> chaosKinds() {
        if (chaos == null) {
            return Set.of();
        }
        Set<FaultKind> possible = EnumSet.copyOf(Nemesis.ON_ONE_MACHINE);
        if (ha()) {
            possible.addAll(Nemesis.ONLY_HA);
            if (mode.mode() == Mode.GRPC) {
                possible.remove(FaultKind.RABBIT_NODE_LOSS);
            }
        }
        Set<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
        for (String label : chaosFaults) {
            if (label.equals("all")) {
                kinds.addAll(possible);
                continue;
            }
            FaultKind kind = FaultKind.ofLabel(label);
            if (!possible.contains(kind)) {
                throw new IllegalArgumentException("--chaos-faults: the demo cannot inject " + label + " here ("
                        + (kind == FaultKind.RABBIT_NODE_LOSS && ha() ? "grpc mode has no broker"
                        : "it needs --topology ha: hosts to cut, store nodes to lose") + "); choose among " + possible);
            }
            kinds.add(kind);
        }
        if (kinds.contains(FaultKind.TERMINAL_DISK_FULL) && !Nemesis.prlimitAvailable()) {
            throw new IllegalArgumentException("--chaos-faults terminal-disk-full needs prlimit (util-linux) on the PATH");
        }
        return kinds;
    }

    /** The kinds of child --chaos strikes, as the demo names them. */
    static final List<String> CHAOS_ROLES = List.of("server", "terminal", "proxy", "lb", "sensor");
    /** What --chaos strikes besides the children in the HA topology: the store nodes. */
    static final List<String> HA_CHAOS_ROLES = List.of("redis", "rabbit");
    /** The RabbitMQ nodes of the HA topology, as {@link HaServices} names them. */
    static final List<String> HA_RABBIT_NODES = List.of("rabbit-1", "rabbit-2", "rabbit-3");

    /**
     * The schedule's targets, from the flags alone (so that a seed replays on the same flags): role to the children's
     * names, the proxies as the active one.
     */
    Map<String, List<String>> chaosTargets(List<String> roles) {
        Map<String, List<String>> targets = new TreeMap<>();
        if (mode.mode() == Mode.GRPC) {
            targets.put("lb", IntStream.rangeClosed(1, balancers).mapToObj(i -> "lb-" + i).toList());
        }
        targets.put("proxy", List.of(Nemesis.ACTIVE_PROXY));
        targets.put("server", IntStream.rangeClosed(1, servers).mapToObj(i -> "server-" + i).toList());
        targets.put("terminal", IntStream.rangeClosed(1, terminals).mapToObj(i -> "terminal-" + i).toList());
        List<String> sensors = new ArrayList<>();
        IntStream.rangeClosed(1, airSensors).forEach(i -> sensors.add("air-" + i));
        IntStream.rangeClosed(1, pollutionSensors).forEach(i -> sensors.add("pollution-" + i));
        targets.put("sensor", sensors);
        if (ha()) {
            targets.put("redis", List.of(Nemesis.REDIS_PRIMARY));
            targets.put("rabbit", HA_RABBIT_NODES);
        }
        targets.keySet().retainAll(roles);
        return targets;
    }

    /**
     * Where --chaos places a slow link: grpc, in front of each load balancer; rabbit, of the broker per server (not in
     * the HA topology: a server there is given three nodes, one relay could stand in front of one only).
     */
    private List<String> slowLinkTargets(List<String> roles) {
        if (mode.mode() == Mode.RABBIT && ha()) {
            return List.of();
        }
        if (mode.mode() == Mode.GRPC) {
            return roles.contains("lb") ? IntStream.rangeClosed(1, balancers).mapToObj(i -> "lb-" + i).toList() : List.of();
        }
        return roles.contains("server") ? IntStream.rangeClosed(1, servers).mapToObj(i -> "server-" + i).toList()
                : List.of();
    }

    /**
     * The schedule --chaos runs with this seed: over the children the flags start, the kinds of --chaos-faults, each
     * timed fault lasting --chaos-pause, PERIOD between faults and at each end of the run. Without --duration the run
     * has a day of faults planned.
     */
    Schedule chaosSchedule(long seed) {
        List<String> roles = chaosRoles();
        Set<FaultKind> kinds = chaosKinds();
        Duration runLength = duration != null ? duration : Duration.ofDays(1);
        Schedule.Bounds lasting = new Schedule.Bounds(chaosPause.min(), chaosPause.max());
        Map<FaultKind, Schedule.Bounds> durations = new EnumMap<>(FaultKind.class);
        EnumSet.allOf(FaultKind.class).forEach(kind -> durations.put(kind, lasting));
        durations.put(FaultKind.KILL, Schedule.Bounds.ofSeconds(1, 1)); // it ends when the supervisor restarted it
        Duration quarterGrace = grace.dividedBy(4);
        Schedule.Settings settings = new Schedule.Settings(runLength, kinds, durations, new Schedule.Bounds(chaos, chaos),
                chaos, chaos, retention == null ? Duration.ofDays(1) : window.multipliedBy(retention), 0.25,
                new Schedule.Bounds(grace.dividedBy(8), quarterGrace),
                new Schedule.Bounds(Duration.ofMillis(Math.min(50, quarterGrace.toMillis())), quarterGrace));
        Set<String> slowLinked = Set.copyOf(slowLinkTargets(roles));
        return Schedule.of(chaosTargets(roles), settings, seed,
                (kind, target) -> Nemesis.canStrike(kind, target, slowLinked, ha()));
    }

    /** Starts a relay, fast until a slow-link fault, in front of each target of {@link #slowLinkTargets}. */
    private void placeSlowLinks(List<String> roles) {
        List<String> targets = slowLinkTargets(roles);
        for (int i = 0; i < targets.size(); i++) {
            InetSocketAddress target;
            if (mode.mode() == Mode.GRPC) {
                Endpoint lb = Endpoint.parse(deployment.balancers().get(i));
                target = new InetSocketAddress(lb.host(), lb.port());
            } else {
                URI broker = URI.create(deployment.rabbitUri());
                target = new InetSocketAddress(broker.getHost(), broker.getPort() < 0 ? 5672 : broker.getPort());
            }
            // in the HA topology the relay listens on the bridge: every host reaches it, and it reaches every host
            String listen = ha != null ? ha.hosts().bridgeAddress() : target.getHostString();
            slowLinks.put(targets.get(i), SlowLink.start(new InetSocketAddress(listen, 0), target,
                    SlowLink.Delay.NONE));
        }
    }

    private static String hostPort(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    /** {@code uri} with its host and port those of the relay. */
    private static String throughRelay(String uri, SlowLink relay) {
        URI broker = URI.create(uri);
        try {
            return new URI(broker.getScheme(), broker.getUserInfo(), relay.address().getHostString(),
                    relay.address().getPort(), broker.getPath(), broker.getQuery(), broker.getFragment()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("cannot point " + uri + " at the slow link: " + e.getMessage(), e);
        }
    }

    /**
     * Starts the schedule of --chaos, its history in {@code <run>/history.jsonl}, and a sample of terminal 1's file
     * every second (records per second reaching windows, window lag) for the checker and the timeline.
     */
    private void startChaos(RedisMeteoStore store, List<String> roles, Set<FaultKind> kinds) {
        long seed = chaosSeed != null ? chaosSeed : Schedule.newSeed();
        schedule = chaosSchedule(seed);
        Console.info("demo: chaos: " + schedule.describe());
        schedule.faults().stream().limit(50).forEach(fault -> Console.info("demo: chaos:   " + fault));
        history = History.create(runDir.resolve(HISTORY_FILE), Clock.systemUTC());
        arrivals = WindowArrivals.follow(IntStream.rangeClosed(1, terminals)
                .mapToObj(i -> runDir.resolve("terminal-" + i + ".jsonl")).toList());
        chaosStart = Instant.now();
        Duration span = window.multipliedBy(2).compareTo(Duration.ofSeconds(2)) < 0 ? Duration.ofSeconds(2)
                : window.multipliedBy(2);
        sampler = Executors.newSingleThreadScheduledExecutor(new DaemonThreadFactory("demo-sampler"));
        sampler.scheduleAtFixedRate(() -> samples.add(arrivals.sample(Instant.now(), span, window, grace, chaosStart)),
                1, 1, TimeUnit.SECONDS);
        nemesis = new Nemesis(schedule, supervisor, history, slowLinks, store::leaseHolder,
                name -> runDir.resolve("terminal-" + name.substring("terminal-".length()) + ".jsonl"),
                line -> Console.info("demo: " + line), ha).start();
        Console.info("demo: chaos: " + kinds.stream().map(FaultKind::label).collect(Collectors.joining(", "))
                + " on " + String.join(", ", roles) + ", " + DurationConverter.format(chaos) + " apart; history in "
                + history.file());
    }

    private void stopSampling() {
        if (sampler != null) {
            sampler.shutdownNow();
        }
    }

    /** The files --chaos writes in the run's folder. */
    public static final String HISTORY_FILE = "history.jsonl";
    public static final String VERDICT_FILE = "verdict.json";
    public static final String TIMELINE_FILE = "timeline.svg";

    /**
     * Every child logs in the demo's format, serves its metrics on a free port (the demo learns which from its log
     * line), and rewrites its status file every second: what a child killed with SIGKILL last said (a sensor's
     * counters, a proxy's lease owner).
     */
    private List<String> withDemoFlags(List<String> arguments) {
        arguments.add("--metrics-port=0");
        arguments.add("--log-format=" + standard.logFormat());
        arguments.add("--status-file-every=1s");
        return arguments;
    }

    /**
     * Names every child's metrics endpoint in {@code <run>/prometheus-targets.json} and, for a Prometheus that follows
     * the latest demo ({@code deploy/prometheus.yml}), in {@code <data-dir>/prometheus-targets.json}.
     */
    private void writeTargets() throws IOException {
        List<ChildProcess> all = supervisor.children();
        Scrapes.writeTargets(runDir.resolve(TARGETS_FILE), all, mode.mode().toString(), runDir.getFileName().toString());
        Scrapes.writeTargets(dataRoot.resolve(TARGETS_FILE), all, mode.mode().toString(), runDir.getFileName().toString());
        Console.info("demo: metrics of " + all.stream().filter(c -> c.metricsUrl().isPresent()).count()
                + " processes for Prometheus: " + dataRoot.resolve(TARGETS_FILE));
    }

    /** A restarted child serves its metrics on another port: name it in the targets files. */
    private void writeTargetsAgain() {
        try {
            writeTargets();
        } catch (IOException e) {
            Console.info("demo: cannot write " + TARGETS_FILE + ": " + e.getMessage());
        }
    }

    /** The Prometheus file_sd targets file the demo writes. */
    public static final String TARGETS_FILE = "prometheus-targets.json";

    /** The strip's first part: {@code processes 13/14 up · 3 died · 2 restarted · chaos: 3 kills, last proxy-1 at 12:03:04}. */
    private String processesLine() {
        List<ChildProcess> all = supervisor.children();
        String line = "processes " + all.stream().filter(ChildProcess::isAlive).count() + "/" + all.size() + " up · "
                + supervisor.deaths() + " died · " + supervisor.restarts() + " restarted";
        if (nemesis != null) {
            List<Nemesis.Injected> faults = nemesis.injected();
            line += " · chaos: " + faults.size() + " faults" + (faults.isEmpty() ? "" : ", last "
                    + faults.get(faults.size() - 1).fault().kind() + " " + faults.get(faults.size() - 1).fault().target()
                    + " at " + clock(faults.get(faults.size() - 1).fault().start().toEpochMilli()));
        }
        return line;
    }

    private static String clock(long epochMillis) {
        return LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneId.systemDefault())
                .format(DateTimeFormatter.ofPattern("HH:mm:ss.SSS"));
    }

    private static void stopChildren(List<ChildProcess> children) throws InterruptedException {
        children.forEach(ChildProcess::requestStop);
        for (ChildProcess child : children) {
            if (child.isAlive() && !child.awaitExit(20)) {
                Console.info("demo: " + child.name() + " did not stop in time and was killed");
            }
        }
    }

    /** Stops the sensors first, waits until every record sent is in a window (or late/rejected), then the rest. */
    private int stopAndSummarise(RedisMeteoStore store) throws Exception {
        Console.info("demo: stopping the sensors");
        Path finalMetrics = runDir.resolve("metrics");
        Scrapes.snapshot(finalMetrics, supervisor.children("sensor"));
        supervisor.retire("sensor");
        stopChildren(supervisor.children("sensor"));
        stopSampling();
        SensorAccounts sensorAccounts = sensorReports();
        List<Drain.SensorReport> reports = sensorAccounts.reports();
        long sent = reports.stream().mapToLong(Drain.SensorReport::sent).sum();
        long confirmed = reports.stream().mapToLong(Drain.SensorReport::confirmed).sum();
        long stoppedAt = System.currentTimeMillis();
        Path reference = runDir.resolve("terminal-1.jsonl");
        long deadline = System.currentTimeMillis() + window.toMillis() + grace.toMillis() + 20_000;
        Console.info("demo: " + sent + " records sent; waiting for the open windows to close (up to "
                + DurationConverter.format(Duration.ofMillis(deadline - System.currentTimeMillis())) + ")");
        List<Path> terminalFiles = IntStream.rangeClosed(1, terminals)
                .mapToObj(i -> runDir.resolve("terminal-" + i + ".jsonl")).toList();
        if (!Drain.awaitAccounted(reference, terminalFiles, stoppedAt, confirmed, store, deadline)) {
            Console.info("demo: gave up waiting; the summary shows what is still open");
        }
        Scrapes.snapshot(finalMetrics, supervisor.children("terminal", "lb", "proxy", "server"));
        supervisor.retire();
        if (nemesis != null) {
            // the proxies close an (empty) window every window length: stopped first, the terminals can catch up with
            // the store's closed horizon, which the checker holds each terminal's file to
            stopChildren(supervisor.children("proxy"));
            awaitTerminalsAt(store.closedHorizon(), terminalFiles, System.currentTimeMillis() + 10_000);
        }
        stopChildren(supervisor.children("terminal"));
        stopChildren(supervisor.children(BACKENDS));

        Drain.Verdict verdict = Drain.verdict(reports, terminalFiles, store);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("mode", mode.mode().toString());
        summary.put("redis_prefix", deployment.redisPrefix());
        summary.put("records_sent", sent);
        summary.put("records_confirmed", confirmed);
        summary.put("records_failed_at_sensor", verdict.failed());
        summary.put("records_in_doubt_sensor_killed", verdict.inDoubt());
        summary.put("records_in_windows", verdict.inWindows());
        summary.put("records_rejected", verdict.rejected());
        summary.put("records_late", verdict.late());
        summary.put("records_still_open", Math.max(0, verdict.storedInWindows() - verdict.inWindows()));
        summary.put("windows_emitted", windowsEmitted());
        Map<String, Object> received = new LinkedHashMap<>();
        for (int i = 1; i <= terminals; i++) {
            received.put(String.valueOf(i), Drain.windows(terminalFiles.get(i - 1)).size());
        }
        summary.put("windows_received", received);
        summary.put("sensors_checked", reports.stream().map(Drain.SensorReport::id).distinct().count());
        summary.put("sensor_processes_killed", sensorAccounts.killed());
        summary.put("processes_died", supervisor.deaths());
        summary.put("processes_restarted", supervisor.restarts());
        if (nemesis != null) {
            summary.put("kills", kills());
            summary.put("pauses", pauses());
        }
        summary.put("problems", verdict.problems());
        boolean holds = verdict.holds();
        if (nemesis != null) {
            Checker.Verdict judged = judge(reports, terminalFiles, store);
            summary.put("chaos_seed", schedule.seed());
            summary.put("faults", faults());
            summary.put("verdict", verdictJson(judged));
            holds &= judged.passes();
        }
        summary.put("accounting_holds", holds);
        Files.writeString(runDir.resolve("summary.json"), Json.write(summary) + "\n");
        printSummary(summary, holds);
        if (holds && !keep) {
            removeRunData(store);
        } else {
            Console.info("demo: this run's Redis keys (" + deployment.redisPrefix() + "*) and RabbitMQ names ("
                    + deployment.rabbitPrefix() + ".*) are kept for inspection; remove them with: meteo reset "
                    + "--redis-prefix=" + deployment.redisPrefix() + (mode.mode() == Mode.RABBIT ? " --mode rabbit "
                    + "--rabbit-prefix=" + deployment.rabbitPrefix() + terminalFlags() : "") + " --yes");
        }
        return holds ? 0 : 2;
    }

    /** Every sensor process's report, and how many of them were killed (so reported from their last live status). */
    private record SensorAccounts(List<Drain.SensorReport> reports, int killed) {
    }

    /**
     * What every process of every sensor said: a process that stopped gracefully its final counters; one that was
     * killed (or crashed) its last live status and its sent mark ({@link Drain#killedSensorReport}).
     */
    private SensorAccounts sensorReports() {
        List<Drain.SensorReport> reports = new ArrayList<>();
        int killed = 0;
        for (Supervisor.Slot slot : supervisor.slots("sensor")) {
            List<Path[]> processes = new ArrayList<>();
            for (Supervisor.Incarnation ended : slot.ended()) {
                processes.add(new Path[] {ended.statusFile(), ended.companions().get(0)});
            }
            if (!slot.currentEnded()) {
                processes.add(new Path[] {slot.current().statusFile(), slot.companions().get(0)});
            }
            for (Path[] files : processes) {
                RoleReport status = RoleReport.readOrNone(files[0]);
                if (status.last()) {
                    reports.addAll(Drain.sensorReports(slot.name(), status));
                } else {
                    killed++;
                    reports.add(Drain.killedSensorReport(slot.name(), status, SentMark.read(files[1])));
                }
            }
        }
        return new SensorAccounts(reports, killed);
    }

    /**
     * Windows published, added over every proxy process: a killed one's count is that of its last status (up to a
     * second old), so this can fall short by what it published in its last second; the terminals' files are exact.
     */
    private long windowsEmitted() {
        long emitted = 0;
        for (Supervisor.Slot slot : supervisor.slots("proxy")) {
            for (Supervisor.Incarnation ended : slot.ended()) {
                emitted += RoleReport.readOrNone(ended.statusFile()).windowsPublished();
            }
            if (!slot.currentEnded()) {
                emitted += RoleReport.readOrNone(slot.current().statusFile()).windowsPublished();
            }
        }
        return emitted;
    }

    /**
     * The kills of --chaos: when, which role and child, and for the active proxy the time until the next window
     * reached terminal 1 (the standby's takeover, from the kill to the first window no proxy could close before it).
     */
    private List<Map<String, Object>> kills() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Nemesis.Injected kill : nemesis.injected()) {
            if (kill.fault().kind() != FaultKind.KILL) {
                continue;
            }
            long at = kill.fault().start().toEpochMilli();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("at", clock(at));
            entry.put("at_ms", at);
            entry.put("role", kill.role());
            entry.put("name", kill.fault().target());
            if (kill.role().equals("proxy")) {
                OptionalLong takeover = arrivals.firstWindowDueAfter(at, grace.toMillis());
                entry.put("next_window_ms", takeover.isPresent() ? takeover.getAsLong() : null);
            }
            out.add(entry);
        }
        return out;
    }

    /** The pauses of --chaos: when each started and ended, which role and child. */
    private List<Map<String, Object>> pauses() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Nemesis.Injected pause : nemesis.injected()) {
            if (pause.fault().kind() == FaultKind.PAUSE) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("at", clock(pause.fault().start().toEpochMilli()));
                entry.put("at_ms", pause.fault().start().toEpochMilli());
                entry.put("end_ms", pause.fault().ended() ? pause.fault().end().toEpochMilli() : null);
                entry.put("role", pause.role());
                entry.put("name", pause.fault().target());
                out.add(entry);
            }
        }
        return out;
    }

    /** Every fault of the history: kind, target, start and end (epoch ms; null: not ended), detail. */
    private List<Map<String, Object>> faults() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Fault fault : History.read(history.file())) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("kind", fault.kind().label());
            entry.put("target", fault.target());
            entry.put("at", clock(fault.start().toEpochMilli()));
            entry.put("start_ms", fault.start().toEpochMilli());
            entry.put("end_ms", fault.ended() ? fault.end().toEpochMilli() : null);
            entry.put("detail", new TreeMap<>(fault.detail()));
            out.add(entry);
        }
        return out;
    }

    /** Waits (until {@code deadlineMillis}) until every terminal's file holds the windows up to {@code horizon}. */
    private static void awaitTerminalsAt(long horizon, List<Path> terminalFiles, long deadlineMillis)
            throws InterruptedException {
        while (System.currentTimeMillis() < deadlineMillis) {
            boolean all = terminalFiles.stream().allMatch(file -> {
                List<WindowResult> windows = TerminalFile.read(file);
                return !windows.isEmpty() && windows.get(windows.size() - 1).end().toEpochMilli() >= horizon;
            });
            if (all) {
                return;
            }
            Thread.sleep(100);
        }
    }

    /**
     * The terminals' windows from the latest of their first windows on: a terminal that registered earlier holds
     * windows closed before the others registered, which the others never received. Those are dropped only when they
     * hold no record (the sensors start once every terminal is up), so a window with records held by one terminal alone
     * is still the checker's to flag.
     */
    static Map<String, List<WindowResult>> fromCommonStart(Map<String, List<WindowResult>> terminals) {
        Instant from = terminals.values().stream().filter(windows -> !windows.isEmpty())
                .map(windows -> windows.get(0).start()).max(Instant::compareTo).orElse(Instant.MIN);
        Map<String, List<WindowResult>> out = new LinkedHashMap<>();
        terminals.forEach((id, windows) -> {
            int first = 0;
            while (first < windows.size() && windows.get(first).start().isBefore(from)
                    && windows.get(first).recordCount() == 0 && windows.get(first).lateRecords() == 0) {
                first++;
            }
            out.put(id, windows.subList(first, windows.size()));
        });
        return out;
    }

    /**
     * The nemesis's checker over the drained run: the terminals' files, the sensors' reports (a killed sensor's in
     * doubt included), this run's Redis, the history and the samples; writes {@code verdict.json} and
     * {@code timeline.svg} beside the history.
     */
    private Checker.Verdict judge(List<Drain.SensorReport> reports, List<Path> terminalFiles, RedisMeteoStore store)
            throws IOException {
        Map<String, SensorReports.Tally> tallies = new TreeMap<>();
        for (Drain.SensorReport report : reports) {
            tallies.merge(report.id(), new SensorReports.Tally(report.confirmed(), report.failed(), report.inDoubt()),
                    SensorReports.Tally::plus);
        }
        Map<String, List<WindowResult>> windows = new LinkedHashMap<>();
        for (int i = 1; i <= terminals; i++) {
            windows.put(String.valueOf(i), TerminalFile.read(terminalFiles.get(i - 1)));
        }
        Instant runEnd = chaosEnd != null ? chaosEnd : Instant.now();
        List<Fault> faults = History.read(history.file());
        Checker.Settings strictness = Checker.Settings.defaults().withGrace(grace).withProcessing(delay.max());
        Checker.Verdict verdict = new Checker(strictness).check(
                new Checker.Evidence(fromCommonStart(windows), () -> tallies, store, faults, List.copyOf(samples), runEnd));
        Files.writeString(runDir.resolve(VERDICT_FILE), Json.write(verdictJson(verdict)) + "\n");
        Timeline.write(runDir.resolve(TIMELINE_FILE), "meteo demo --chaos, " + mode.mode() + " mode, seed "
                + schedule.seed(), List.copyOf(samples), faults, runEnd);
        return verdict;
    }

    private Map<String, Object> verdictJson(Checker.Verdict verdict) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("passes", verdict.passes());
        out.put("seed", schedule.seed());
        out.put("confirmed", verdict.confirmed());
        out.put("stored_in_windows", verdict.storedInWindows());
        out.put("late", verdict.late());
        out.put("rejected", verdict.rejected());
        List<Map<String, Object>> late = new ArrayList<>();
        for (Checker.LateRecords records : verdict.lateRecords()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("count", records.count());
            entry.put("counted_after", records.countedAfter().toString());
            entry.put("counted_by", records.countedBy().toString());
            entry.put("explained_by", records.explainedBy().stream().map(Fault::toString).toList());
            late.add(entry);
        }
        out.put("late_records", late);
        List<Map<String, Object>> recoveries = new ArrayList<>();
        for (Checker.Recovery recovery : verdict.recoveries()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("kind", recovery.fault().kind().label());
            entry.put("target", recovery.fault().target());
            entry.put("start_ms", recovery.fault().start().toEpochMilli());
            entry.put("recovered_ms", recovery.timeToRecover().map(Duration::toMillis).orElse(null));
            recoveries.add(entry);
        }
        out.put("recoveries", recoveries);
        out.put("problems", verdict.problems());
        return out;
    }

    private String terminalFlags() {
        StringBuilder flags = new StringBuilder();
        for (int i = 1; i <= terminals; i++) {
            flags.append(" --terminal ").append(i);
        }
        return flags.toString();
    }

    /**
     * A run whose every record is accounted for leaves nothing behind in the shared Redis and RabbitMQ (its queues are
     * durable, so each run would otherwise add some for good): what it produced is in the run folder.
     */
    private void removeRunData(RedisMeteoStore store) {
        try {
            store.deleteAll();
            if (mode.mode() == Mode.RABBIT) {
                RabbitSettings settings = RabbitSettings.of(deployment.rabbitUri()).withNamePrefix(deployment.rabbitPrefix());
                List<String> terminalIds = IntStream.rangeClosed(1, terminals).mapToObj(String::valueOf).toList();
                try (Connection broker = RabbitConnections.open(settings, "meteo-demo-cleanup")) {
                    new Topology(settings).deleteAll(broker, terminalIds);
                }
            }
        } catch (Exception e) {
            Console.info("demo: could not remove this run's keys and queues (" + e.getMessage() + "); they are under "
                    + deployment.redisPrefix() + " and " + deployment.rabbitPrefix());
        }
    }

    /** The checker's verdict: each fault's recovery, the late records explained or not, the problems. */
    private void printVerdict(Map<?, ?> verdict) {
        for (Object item : (List<?>) verdict.get("recoveries")) {
            Map<?, ?> recovery = (Map<?, ?>) item;
            Object recovered = recovery.get("recovered_ms");
            System.out.printf("  %-22s %s %s %s%n", "fault", clock(((Number) recovery.get("start_ms")).longValue()),
                    recovery.get("kind") + " " + recovery.get("target"), recovered == null ? "(recovery not seen)"
                            : String.format(Locale.ROOT, "recovered in %.1f s", ((Number) recovered).longValue() / 1000.0));
        }
        long explained = 0;
        long unexplained = 0;
        for (Object item : (List<?>) verdict.get("late_records")) {
            Map<?, ?> late = (Map<?, ?>) item;
            long count = ((Number) late.get("count")).longValue();
            if (((List<?>) late.get("explained_by")).isEmpty()) {
                unexplained += count;
            } else {
                explained += count;
            }
        }
        System.out.printf("  %-22s %d explained by a fault, %d unexplained%n", "late records", explained, unexplained);
        ((List<?>) verdict.get("problems")).forEach(problem -> System.out.println("  PROBLEM (checker): " + problem));
        System.out.println(Boolean.TRUE.equals(verdict.get("passes"))
                ? "  nemesis verdict: PASS (every confirmed record once, terminals contiguous and identical, late "
                        + "records explained, every fault recovered from)"
                : "  nemesis verdict: FAIL; replay with --chaos-seed " + verdict.get("seed"));
        System.out.println("  history, verdict, timeline: " + runDir.resolve(HISTORY_FILE) + ", " + VERDICT_FILE + ", "
                + TIMELINE_FILE);
    }

    private void printSummary(Map<String, Object> summary, boolean holds) {
        System.out.println();
        System.out.println("Meteo demo summary (" + mode.mode() + ")");
        summary.forEach((key, value) -> {
            if (key.equals("kills")) {
                for (Object item : (List<?>) value) {
                    Map<?, ?> kill = (Map<?, ?>) item;
                    Object next = kill.get("next_window_ms");
                    System.out.printf("  %-22s %s %s%s%n", "killed", kill.get("at"), kill.get("name"), next == null ? ""
                            : String.format(Locale.ROOT, ", next window at a terminal after %.1f s", ((Number) next).longValue() / 1000.0));
                }
            } else if (key.equals("pauses")) {
                for (Object item : (List<?>) value) {
                    Map<?, ?> pause = (Map<?, ?>) item;
                    Object end = pause.get("end_ms");
                    System.out.printf("  %-22s %s %s%s%n", "paused", pause.get("at"), pause.get("name"), end == null ? ""
                            : String.format(Locale.ROOT, " for %.1f s", (((Number) end).longValue()
                                    - ((Number) pause.get("at_ms")).longValue()) / 1000.0));
                }
            } else if (key.equals("faults")) {
                System.out.printf("  %-22s %s%n", "faults injected", ((List<?>) value).size());
            } else if (key.equals("verdict")) {
                printVerdict((Map<?, ?>) value);
            } else if (value instanceof Map<?, ?> map) {
                map.forEach((name, count) -> System.out.printf("  %-22s %s%n", key.replace('_', ' ') + " " + name, count));
            } else if (value instanceof List<?> problems) {
                problems.forEach(problem -> System.out.println("  PROBLEM: " + problem));
            } else if (!key.equals("mode") && !key.equals("accounting_holds")) {
                System.out.printf("  %-22s %s%n", key.replace('_', ' '), value);
            }
        });
        System.out.println(holds
                ? "  accounting holds: every sensor's records are in exactly one window, late or rejected"
                        + (((Number) summary.get("records_in_doubt_sensor_killed")).longValue() == 0 ? ""
                        : " (records in doubt: sent by a killed sensor process after its last status, each stored or not)")
                : "  ACCOUNTING DOES NOT HOLD" + (summary.containsKey("verdict") ? " OR THE NEMESIS VERDICT FAILS" : "")
                        + " (see " + runDir.resolve("logs") + ")");
        System.out.println("  summary: " + runDir.resolve("summary.json"));
    }

}
