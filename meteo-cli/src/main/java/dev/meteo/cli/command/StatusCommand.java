package dev.meteo.cli.command;

import dev.meteo.cli.io.Json;
import dev.meteo.cli.options.BalancerAddress;
import dev.meteo.cli.options.DurationConverter;
import dev.meteo.cli.options.Mode;
import dev.meteo.cli.options.ModeOption;
import dev.meteo.cli.options.ProxyAddress;
import dev.meteo.cli.options.RabbitOptions;
import dev.meteo.cli.options.RedisOptions;
import dev.meteo.cli.options.StandardOptions;
import dev.meteo.cli.options.TlsOptions;
import dev.meteo.cli.status.DeploymentStatus;
import dev.meteo.cli.status.StatusProbe;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "status",
        description = {"Shows a running deployment at a glance: the active proxy (lease holder) and its standbys, the "
                + "last closed and published windows and how far behind now they are, the deployment's window and grace "
                + "(as its first proxy wrote them in Redis: nobody tells 'meteo status' again), the compute servers and "
                + "terminals (grpc: from the load balancer's and the proxies' registries, with their health; rabbit: the "
                + "queues' depth and consumers, by passive declare), records/s and Redis memory. Once, or again and again "
                + "with --watch.",
                "",
                "Exit code 0 when healthy, 1 when something is wrong (no proxy holds the lease, a window is late to "
                        + "close, no live compute server, Redis or a peer cannot be reached), so it serves as a health "
                        + "check.", ""})
public final class StatusCommand implements Callable<Integer> {

    /** Exit code when something is wrong. */
    static final int UNHEALTHY = 1;

    @Mixin
    StandardOptions standard;

    @Mixin
    ModeOption mode;

    @Option(names = "--watch", description = "Show the status again every --every until Ctrl-C (default: once).")
    boolean watch;

    @Option(names = "--every", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "2s",
            description = "Time between two looks with --watch, and the period records/s is measured over "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration every;

    @Option(names = "--json", description = "One JSON object per look instead of text (default: text).")
    boolean json;

    @Option(names = "--terminal", paramLabel = "ID",
            description = "rabbit: a terminal whose queue to check (repeat it; queues cannot be listed over AMQP; "
                    + "default: none).")
    List<String> terminalIds = new ArrayList<>();

    @ArgGroup(validate = false, heading = RedisOptions.HEADING)
    RedisOptions redis = new RedisOptions();

    @ArgGroup(validate = false, heading = BalancerAddress.HEADING)
    BalancerAddress balancer = new BalancerAddress();

    @ArgGroup(validate = false, heading = ProxyAddress.HEADING)
    ProxyAddress proxies = new ProxyAddress();

    @ArgGroup(validate = false, heading = RabbitOptions.HEADING)
    RabbitOptions rabbit = new RabbitOptions();

    @ArgGroup(validate = false, heading = TlsOptions.HEADING)
    TlsOptions tls = new TlsOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        boolean grpc = mode.mode() == Mode.GRPC;
        StatusProbe.Target target = new StatusProbe.Target(mode.mode().toString(), redis.settings(tls.ca()),
                grpc ? null : rabbit.settings(tls.ca()), grpc ? balancer.endpoint() : null,
                grpc ? proxies.endpoints() : List.of(), terminalIds, tls.grpc());
        try (StatusProbe probe = new StatusProbe(target)) {
            probe.collect(); // the first look only starts the records/s measurement
            boolean tty = watch && System.console() != null && !json;
            while (true) {
                Thread.sleep(every.toMillis());
                DeploymentStatus status = probe.collect();
                if (tty) {
                    out.print("\u001b[H\u001b[2J"); // a fresh screen at each look
                }
                if (json) {
                    out.println(Json.write(status.toMap()));
                } else {
                    status.lines(ZoneId.systemDefault()).forEach(out::println);
                }
                out.flush();
                if (!watch) {
                    return status.healthy() ? 0 : UNHEALTHY;
                }
                if (!tty) {
                    out.println();
                }
            }
        }
    }
}
