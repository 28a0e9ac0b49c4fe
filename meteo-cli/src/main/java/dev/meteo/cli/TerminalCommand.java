package dev.meteo.cli;

import dev.meteo.cli.bench.WindowDelaySink;
import dev.meteo.cli.terminal.AnsiDashboardSink;
import dev.meteo.cli.terminal.HttpDashboard;
import dev.meteo.cli.terminal.JsonlFileSink;
import dev.meteo.terminal.Terminal;
import dev.meteo.terminal.TerminalSink;
import dev.meteo.transport.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "terminal", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs one monitoring terminal: receives every window result, appends it to "
                + "<data-dir>/terminal-<id>.jsonl, and shows it live on an ANSI dashboard and an HTTP page. In grpc mode "
                + "it serves the terminal RPC and registers with the proxy; in rabbit mode it consumes its own queue "
                + "(named after --id, so a restart with the same id receives the windows it missed).", ""})
final class TerminalCommand extends RoleCommand {

    enum DashboardKind { auto, ansi, plain, none }

    @Mixin
    ModeOption mode;

    @Option(names = "--id", paramLabel = "ID", description = "Terminal id, unique in the deployment (default: terminal-<pid>).")
    String id;

    @Option(names = "--port", defaultValue = "0",
            description = "grpc: port to receive windows on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", defaultValue = "meteo-data", description = "Where the JSONL file goes (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--dashboard", defaultValue = "auto", paramLabel = "auto|ansi|plain|none",
            description = "Console view: full-screen ANSI dashboard, one plain line per window, or none; auto picks "
                    + "ansi on a tty and plain otherwise (default: ${DEFAULT-VALUE}).")
    DashboardKind dashboard;

    @Option(names = "--http-port", defaultValue = "8080",
            description = "Port of the HTTP dashboard (page, /api/windows, /api/latest); 0 picks a free one, -1 turns it "
                    + "off (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--bench-grace", hidden = true, converter = dev.meteo.cli.DurationConverter.class,
            description = "Record window close (end + this grace) -> receive in a histogram reported in the status (used by bench).")
    java.time.Duration benchGrace;

    @Mixin
    ConnectionOptions connection;

    @Override
    protected String roleName() {
        return "terminal " + terminalId();
    }

    private String terminalId() {
        return id != null ? id : "terminal-" + ProcessHandle.current().pid();
    }

    @Override
    protected Running start() throws Exception {
        List<TerminalSink> sinks = new ArrayList<>();
        JsonlFileSink file = new JsonlFileSink(dataDir, terminalId());
        sinks.add(file);
        HttpDashboard http = null;
        if (httpPort >= 0) {
            http = HttpDashboard.start(connection.bindHost, httpPort, terminalId(), HttpDashboard.DEFAULT_CAPACITY);
            sinks.add(http);
        }
        AnsiDashboardSink console = switch (dashboard) {
            case none -> null;
            case plain -> AnsiDashboardSink.plain(System.out,
                    dev.meteo.cli.terminal.DashboardState.initial(terminalId(), mode.mode.name(), java.time.ZoneId.systemDefault()));
            case ansi, auto -> AnsiDashboardSink.open(terminalId(), mode.mode.name());
        };
        if (console != null) {
            sinks.add(console);
        }
        WindowDelaySink delays = benchGrace == null ? null : new WindowDelaySink(java.time.Clock.systemUTC(), benchGrace);
        if (delays != null) {
            sinks.add(delays);
        }
        Terminal terminal = new Terminal(terminalId(), sinks);
        Transport.Running served = Transports.of(mode.mode, connection, grpc -> grpc.withServerPort(port))
                .startTerminal(terminal);
        String status = served.describe() + (http == null ? "" : "; web " + http.url());
        Console.info(roleName() + ": " + status + "; saving to " + file.path());
        if (console != null) {
            console.setStatus(status);
        }
        if (http != null) {
            http.setStatus(served.describe());
        }
        RejectedCounter rejected = RejectedCounter.start(connection, java.util.Arrays.asList(console, http)); // either may be null
        return new Running() {
            @Override
            public Map<String, Object> status() {
                Map<String, Object> status = new LinkedHashMap<>();
                status.put("role", "terminal");
                status.put("id", terminalId());
                status.put("windows_received", terminal.windowsReceived());
                status.put("windows_ignored", terminal.windowsIgnored());
                if (delays != null) {
                    status.put("window_delay_us", delays.recorder().snapshot());
                }
                return status;
            }

            @Override
            public void close() throws Exception {
                rejected.close();
                served.close();
                terminal.close();
            }
        };
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

        static RejectedCounter start(ConnectionOptions connection, List<?> dashboards) {
            dev.meteo.redis.RedisMeteoStore store = new dev.meteo.redis.RedisMeteoStore(connection.redisSettings());
            java.util.concurrent.ScheduledExecutorService poller = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "rejected-counter");
                thread.setDaemon(true);
                return thread;
            });
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
