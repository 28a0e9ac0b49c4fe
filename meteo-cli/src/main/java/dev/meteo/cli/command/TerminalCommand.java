package dev.meteo.cli.command;

import dev.meteo.cli.dashboard.AnsiDashboardSink;
import dev.meteo.cli.dashboard.DashboardState;
import dev.meteo.cli.dashboard.HttpDashboard;
import dev.meteo.cli.dashboard.JsonlFileSink;
import dev.meteo.cli.io.Console;
import dev.meteo.cli.metrics.RoleMetrics;
import dev.meteo.cli.metrics.QueueProbe;
import dev.meteo.cli.metrics.StoreMeters;
import dev.meteo.cli.metrics.WindowDelayMeter;
import dev.meteo.cli.options.BalancerAddress;
import dev.meteo.cli.options.AdvertisedBindOptions;
import dev.meteo.cli.options.BindOptions;
import dev.meteo.cli.options.DurationConverter;
import dev.meteo.cli.options.Mode;
import dev.meteo.cli.options.ModeOption;
import dev.meteo.cli.options.ProxyAddress;
import dev.meteo.cli.options.RabbitOptions;
import dev.meteo.cli.options.RedisOptions;
import dev.meteo.cli.options.StandardOptions;
import dev.meteo.cli.options.TlsOptions;
import dev.meteo.cli.status.StatusProbe;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.internal.PemTls;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.terminal.Terminal;
import dev.meteo.terminal.TerminalSink;
import dev.meteo.transport.Transport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

@Command(name = "terminal",
        description = {"Runs one monitoring terminal: receives every window result, appends it to "
                + "<data-dir>/terminal-<id>.jsonl, and shows it live on an ANSI dashboard and an HTTP page. In grpc mode "
                + "it serves the terminal RPC and registers with the proxy; in rabbit mode it consumes its own queue "
                + "(named after --id, so a restart with the same id receives the windows it missed).", ""})
public final class TerminalCommand extends RoleCommand {

    /** The console views; spelled in lower case on the command line. */
    enum DashboardKind {
        AUTO, ANSI, PLAIN, NONE;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Mixin
    StandardOptions standard;

    @Mixin
    ModeOption mode;

    @Option(names = "--id", paramLabel = "ID", description = "Terminal id, unique in the deployment; a restart under the same id resumes (its file terminal-<id>.jsonl, its queue, the windows it missed) (default: <host>, the same at every restart; <host>-2, -3, ... for a second and third terminal of the host).")
    String id;

    @Option(names = "--port", defaultValue = "0", paramLabel = "PORT",
            description = "grpc: port to receive windows on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", defaultValue = "meteo-data", paramLabel = "DIR", description = "Where the JSONL file goes (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--dashboard", defaultValue = "auto", paramLabel = "auto|ansi|plain|none",
            description = "Console view: full-screen ANSI dashboard, one plain line per window, or none; auto picks "
                    + "ansi on a tty and plain otherwise (default: ${DEFAULT-VALUE}).")
    DashboardKind dashboard;

    @Option(names = "--http-port", defaultValue = "8080", paramLabel = "PORT",
            description = "Port of the HTTP dashboard (page, /api/windows, /api/latest); 0 picks a free one, -1 turns it "
                    + "off (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--http-host", defaultValue = HttpDashboard.DEFAULT_HOST, paramLabel = "HOST",
            description = "Address the HTTP dashboard listens on; any but a loopback address needs --http-token "
                    + "(default: ${DEFAULT-VALUE}).")
    String httpHost = HttpDashboard.DEFAULT_HOST;

    @Option(names = "--http-token", paramLabel = "TOKEN",
            description = "What every request to the HTTP dashboard must carry: open http(s)://HOST:PORT/?token=TOKEN "
                    + "once (a cookie keeps it) or send Authorization: Bearer TOKEN. Better given as METEO_HTTP_TOKEN, "
                    + "which 'ps' does not show (default: none; required off loopback).")
    String httpToken;

    @Option(names = "--http-tls",
            description = "Serve the HTTP dashboard over HTTPS with --tls-cert and --tls-key (default: HTTP).")
    boolean httpTls;

    @ArgGroup(validate = false, heading = ProxyAddress.HEADING)
    ProxyAddress proxy = new ProxyAddress();

    @ArgGroup(validate = false, heading = "%nLoad balancer (--mode grpc; the web page's health panel lists its compute servers):%n")
    BalancerAddress balancer = new BalancerAddress();

    @ArgGroup(validate = false, heading = RabbitOptions.HEADING)
    RabbitOptions rabbit = new RabbitOptions();

    @ArgGroup(validate = false,
            heading = "%nRedis (optional: the rejected count and the deployment's grace are read there):%n")
    RedisOptions redis = new RedisOptions();

    @ArgGroup(validate = false, heading = BindOptions.HEADING)
    AdvertisedBindOptions bind = new AdvertisedBindOptions();

    @ArgGroup(validate = false, heading = TlsOptions.HEADING)
    TlsOptions tls = new TlsOptions();

    @Override
    protected String roleName() {
        return "terminal " + terminalId();
    }

    private String terminalId() {
        if (id == null) {
            id = Ids.claim("");
        }
        return id;
    }

    @Override
    protected Running start() throws Exception {
        List<TerminalSink> sinks = new ArrayList<>();
        JsonlFileSink file = new JsonlFileSink(dataDir, terminalId());
        sinks.add(file);
        HttpDashboard http = null;
        if (httpPort >= 0) {
            if (httpTls && tls.certificate() == null) {
                throw new IllegalArgumentException("--http-tls serves the dashboard with --tls-cert and --tls-key: give both");
            }
            http = HttpDashboard.start(httpHost, httpPort, terminalId(), HttpDashboard.DEFAULT_CAPACITY, httpToken,
                    httpTls ? PemTls.context(tls.certificate(), tls.key(), null) : null);
            sinks.add(http);
        }
        AnsiDashboardSink console = switch (dashboard) {
            case NONE -> null;
            case PLAIN -> AnsiDashboardSink.plain(System.out,
                    DashboardState.initial(terminalId(), mode.mode().toString(), ZoneId.systemDefault()));
            case ANSI, AUTO -> AnsiDashboardSink.open(terminalId(), mode.mode().toString());
        };
        if (console != null) {
            sinks.add(console);
        }
        // the rejected count for the dashboards (either may be null) and the deployment's grace for the delay metric
        DeploymentWatch deployment = new DeploymentWatch(redis.settings(tls.ca()), Arrays.asList(console, http));
        sinks.add(new WindowDelayMeter(clock(), deployment::graceMillis, metrics.registry()));
        Terminal terminal = new Terminal(terminalId(), sinks);
        Transport.Running served;
        try {
            served = Transports.of(mode.mode(), rabbit, tls,
                    Transports.grpcSettings(null, proxy, bind, tls).withServerPort(port).withDeployment(redis.prefix()))
                    .startTerminal(terminal);
        } catch (Exception | Error e) {
            deployment.close();
            throw e;
        }
        String status = served.describe() + (http == null ? "" : "; web " + http.url());
        Console.info(roleName() + ": " + status + "; saving to " + file.path());
        if (console != null) {
            console.setStatus(status);
        }
        if (http != null) {
            http.setStatus(served.describe());
        }
        HealthReporter health = http == null ? null : HealthReporter.start(http, terminal, new StatusProbe.Target(
                mode.mode().toString(), redis.settings(tls.ca()), mode.mode() == Mode.RABBIT ? rabbit.settings(tls.ca()) : null,
                mode.mode() == Mode.GRPC ? balancer.endpoint() : null,
                mode.mode() == Mode.GRPC ? proxy.endpoints() : List.of(), List.of(terminalId()), tls.grpc()));
        return new Running() {
            private QueueProbe probe;

            @Override
            public String problem() {
                return terminal.problem();
            }

            @Override
            public void bindMetrics(RoleMetrics metrics) {
                metrics.bind(terminal);
                metrics.bind(served);
                if (mode.mode() == Mode.RABBIT) {
                    RabbitSettings broker = rabbit.settings(tls.ca());
                    probe = new QueueProbe(broker, broker.namePrefix() + "-probe-" + terminalId());
                    StoreMeters.queues(metrics, probe, List.of(new Topology(broker).terminalQueue(terminalId())));
                }
            }

            @Override
            public void close() throws Exception {
                if (probe != null) {
                    probe.close();
                }
                if (health != null) {
                    health.close();
                }
                deployment.close();
                served.close();
                terminal.close();
            }
        };
    }

    /**
     * The web page's processes panel: the deployment's health, as {@code meteo status} sees it, every 2 s, with this
     * terminal's own problem (a file it cannot write) first. Best effort on its own thread: an unreachable Redis or
     * peer is a problem in the report, never an error here.
     */
    private static final class HealthReporter implements AutoCloseable {
        private final StatusProbe probe;
        private final ScheduledExecutorService poller;

        private HealthReporter(StatusProbe probe, ScheduledExecutorService poller) {
            this.probe = probe;
            this.poller = poller;
        }

        static HealthReporter start(HttpDashboard http, Terminal terminal, StatusProbe.Target target) {
            StatusProbe probe = new StatusProbe(target);
            ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
                    new DaemonThreadFactory("health-report"));
            poller.scheduleWithFixedDelay(() -> {
                try {
                    Map<String, Object> health = probe.collect().toMap();
                    String own = terminal.problem(); // this terminal's own trouble first: its file
                    if (own != null) {
                        List<Object> problems = new ArrayList<>(List.of(own));
                        problems.addAll((List<?>) health.getOrDefault("problems", List.of()));
                        health.put("problems", problems);
                        health.put("healthy", false);
                    }
                    http.setHealth(health);
                } catch (RuntimeException e) {
                    Logger.getLogger(TerminalCommand.class.getName()).fine("health report failed: " + e.getMessage());
                }
            }, 0, 2, TimeUnit.SECONDS);
            return new HealthReporter(probe, poller);
        }

        @Override
        public void close() throws InterruptedException {
            poller.shutdownNow();
            poller.awaitTermination(3, TimeUnit.SECONDS);
            probe.close();
        }
    }
}
