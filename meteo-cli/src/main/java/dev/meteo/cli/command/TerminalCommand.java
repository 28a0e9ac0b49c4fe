package dev.meteo.cli.command;

import dev.meteo.cli.dashboard.AnsiDashboardSink;
import dev.meteo.cli.dashboard.HttpDashboard;
import dev.meteo.cli.dashboard.JsonlFileSink;
import dev.meteo.cli.instrument.WindowDelaySink;
import dev.meteo.cli.io.Console;
import dev.meteo.cli.metrics.MetricsEndpoint;
import dev.meteo.cli.metrics.QueueProbe;
import dev.meteo.cli.metrics.RoleMeters;
import dev.meteo.cli.metrics.WindowDelayMeter;
import dev.meteo.cli.options.BalancerAddress;
import dev.meteo.cli.options.AdvertisedBindOptions;
import dev.meteo.cli.options.BindOptions;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
            return name().toLowerCase(java.util.Locale.ROOT);
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

    @Option(names = "--grace", converter = dev.meteo.cli.options.DurationConverter.class, paramLabel = "DURATION",
            defaultValue = "0s", description = "The proxy's grace, so that the window delay metric counts from each "
                    + "window's close (end + grace) rather than its end, and the web page's health panel tells a late "
                    + "window (default: ${DEFAULT-VALUE}).")
    java.time.Duration grace;

    @Option(names = "--window", converter = dev.meteo.cli.options.DurationConverter.class, paramLabel = "DURATION",
            defaultValue = "2s", description = "The proxy's window, for the web page's health panel (default: ${DEFAULT-VALUE}).")
    java.time.Duration window;

    @Option(names = "--bench-grace", hidden = true, converter = dev.meteo.cli.options.DurationConverter.class,
            description = "Record window close (end + this grace) -> receive in a histogram reported in the status (used by bench).")
    java.time.Duration benchGrace;

    @ArgGroup(validate = false, heading = ProxyAddress.HEADING)
    ProxyAddress proxy = new ProxyAddress();

    @ArgGroup(validate = false, heading = "%nLoad balancer (--mode grpc; the web page's health panel lists its compute servers):%n")
    BalancerAddress balancer = new BalancerAddress();

    @ArgGroup(validate = false, heading = RabbitOptions.HEADING)
    RabbitOptions rabbit = new RabbitOptions();

    @ArgGroup(validate = false, heading = "%nRedis (optional: the dashboards show the rejected count when it answers):%n")
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
                    dev.meteo.cli.dashboard.DashboardState.initial(terminalId(), mode.mode().toString(), java.time.ZoneId.systemDefault()));
            case ANSI, AUTO -> AnsiDashboardSink.open(terminalId(), mode.mode().toString());
        };
        if (console != null) {
            sinks.add(console);
        }
        WindowDelaySink delays = benchGrace == null ? null : new WindowDelaySink(clock(), benchGrace);
        if (delays != null) {
            sinks.add(delays);
        }
        if (metrics != null) {
            sinks.add(new WindowDelayMeter(clock(), grace, metrics.registry()));
        }
        Terminal terminal = new Terminal(terminalId(), sinks);
        Transport.Running served = Transports.of(mode.mode(), rabbit, tls,
                Transports.grpcSettings(null, proxy, bind, tls).withServerPort(port).withDeployment(redis.prefix()))
                .startTerminal(terminal);
        String status = served.describe() + (http == null ? "" : "; web " + http.url());
        Console.info(roleName() + ": " + status + "; saving to " + file.path());
        if (console != null) {
            console.setStatus(status);
        }
        if (http != null) {
            http.setStatus(served.describe());
        }
        RejectedCounter rejected = RejectedCounter.start(redis.settings(tls.ca()), java.util.Arrays.asList(console, http)); // either may be null
        HealthReporter health = http == null ? null : HealthReporter.start(http, terminal, new StatusProbe.Target(
                mode.mode().toString(), redis.settings(tls.ca()), mode.mode() == Mode.RABBIT ? rabbit.settings(tls.ca()) : null,
                mode.mode() == Mode.GRPC ? balancer.endpoint() : null,
                mode.mode() == Mode.GRPC ? proxy.endpoints() : List.of(), List.of(terminalId()),
                dev.meteo.window.WindowSpec.of(window, grace), tls.grpc()));
        return new Running() {
            @Override
            public Map<String, Object> status() {
                Map<String, Object> status = new LinkedHashMap<>();
                status.put("role", "terminal");
                status.put("id", terminalId());
                status.put("windows_received", terminal.windowsReceived());
                status.put("windows_ignored", terminal.windowsIgnored());
                status.put("windows_not_kept", terminal.windowsNotKept());
                String problem = terminal.problem();
                if (problem != null) {
                    status.put("problem", problem); // the status line says it: UNHEALTHY until a window is kept again
                }
                if (delays != null) {
                    status.put("window_delay_us", delays.recorder().snapshot());
                }
                return status;
            }

            private QueueProbe probe;

            @Override
            public String problem() {
                return terminal.problem();
            }

            @Override
            public void bindMetrics(MetricsEndpoint endpoint) {
                RoleMeters.terminal(endpoint.registry(), terminal);
                RoleMeters.part(endpoint, served);
                if (mode.mode() == Mode.RABBIT) {
                    RabbitSettings broker = rabbit.settings(tls.ca());
                    probe = new QueueProbe(broker, broker.namePrefix() + "-probe-" + terminalId());
                    RoleMeters.queues(endpoint, probe, List.of(new Topology(broker).terminalQueue(terminalId())));
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
                rejected.close();
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
        private final java.util.concurrent.ScheduledExecutorService poller;

        private HealthReporter(StatusProbe probe, java.util.concurrent.ScheduledExecutorService poller) {
            this.probe = probe;
            this.poller = poller;
        }

        static HealthReporter start(HttpDashboard http, Terminal terminal, StatusProbe.Target target) {
            StatusProbe probe = new StatusProbe(target);
            java.util.concurrent.ScheduledExecutorService poller = java.util.concurrent.Executors
                    .newSingleThreadScheduledExecutor(new DaemonThreadFactory("health-report"));
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
                    java.util.logging.Logger.getLogger(TerminalCommand.class.getName())
                            .fine("health report failed: " + e.getMessage());
                }
            }, 0, 2, java.util.concurrent.TimeUnit.SECONDS);
            return new HealthReporter(probe, poller);
        }

        @Override
        public void close() throws InterruptedException {
            poller.shutdownNow();
            poller.awaitTermination(3, java.util.concurrent.TimeUnit.SECONDS);
            probe.close();
        }
    }

    /**
     * Window results carry the late count but not the rejected one, which lives in Redis: when the terminal can reach
     * Redis it shows that counter too (every 2 s), otherwise the dashboards show "?". Best effort, never blocking.
     */
    private static final class RejectedCounter implements AutoCloseable {
        private final dev.meteo.redis.RedisMeteoStore store;
        private final java.util.concurrent.ScheduledExecutorService poller;

        private RejectedCounter(dev.meteo.redis.RedisMeteoStore store, java.util.concurrent.ScheduledExecutorService poller) {
            this.store = store;
            this.poller = poller;
        }

        static RejectedCounter start(dev.meteo.redis.RedisSettings redis, List<?> dashboards) {
            dev.meteo.redis.RedisMeteoStore store = new dev.meteo.redis.RedisMeteoStore(redis);
            java.util.concurrent.ScheduledExecutorService poller = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(new DaemonThreadFactory("rejected-counter"));
            poller.scheduleWithFixedDelay(() -> {
                long count;
                try {
                    count = store.rejectedCount();
                } catch (RuntimeException e) {
                    return; // Redis out of reach from this terminal: the counter stays as it was
                }
                for (Object dashboard : dashboards) {
                    if (dashboard instanceof AnsiDashboardSink ansi) {
                        ansi.setRejected(count);
                    } else if (dashboard instanceof HttpDashboard web) {
                        web.setRejected(count);
                    }
                }
            }, 0, 2, java.util.concurrent.TimeUnit.SECONDS);
            return new RejectedCounter(store, poller);
        }

        @Override
        public void close() {
            poller.shutdownNow();
            store.close();
        }
    }
}
