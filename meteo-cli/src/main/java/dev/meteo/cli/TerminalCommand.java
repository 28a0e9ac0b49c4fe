package dev.meteo.cli;

import dev.meteo.cli.bench.WindowDelaySink;
import dev.meteo.cli.terminal.AnsiDashboardSink;
import dev.meteo.cli.terminal.HttpDashboard;
import dev.meteo.cli.terminal.JsonlFileSink;
import dev.meteo.terminal.Terminal;
import dev.meteo.terminal.TerminalSink;
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
        Transport.Served served = Transport.of(mode.mode, connection).serveTerminal(terminal, port);
        String status = served.describe() + (http == null ? "" : "; web " + http.url());
        Console.info(roleName() + ": " + status + "; saving to " + file.path());
        if (console != null) {
            console.setStatus(status);
        }
        if (http != null) {
            http.setStatus(served.describe());
        }
        return new Running() {
            @Override
            public Map<String, Object> status() {
                Map<String, Object> status = new LinkedHashMap<>();
                status.put("role", "terminal");
                status.put("id", terminalId());
                status.put("windows_received", terminal.windowsReceived());
                status.put("windows_ignored", terminal.windowsIgnored());
                if (delays != null) {
                    status.put("window_delay_us", delays.histogram().toMap());
                }
                return status;
            }

            @Override
            public void close() throws Exception {
                served.close();
                terminal.close();
            }
        };
    }
}
