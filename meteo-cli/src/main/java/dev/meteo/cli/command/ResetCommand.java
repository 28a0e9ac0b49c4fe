package dev.meteo.cli.command;

import com.rabbitmq.client.Connection;
import dev.meteo.cli.io.Console;
import dev.meteo.cli.options.Mode;
import dev.meteo.cli.options.ModeOption;
import dev.meteo.cli.options.RabbitOptions;
import dev.meteo.cli.options.RedisOptions;
import dev.meteo.cli.options.StandardOptions;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.redis.RedisMeteoStore;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "reset",
        description = {"Deletes one deployment's state: every Redis key under --redis-prefix (windows, horizons, the "
                + "lease, counters) and, with --mode rabbit, the RabbitMQ queues and exchange named after --rabbit-prefix "
                + "(work queue, dead letters, fanout exchange, and the queues of the --terminal ids given). Without "
                + "--yes it only says what it would delete.",
                "",
                "Stop every role of the deployment first: a running proxy would start it again.", ""})
public final class ResetCommand implements Callable<Integer> {

    @Mixin
    StandardOptions standard;

    @Mixin
    ModeOption mode;

    @Option(names = "--yes", description = "Delete for real (default: only say what would be deleted).")
    boolean yes;

    @Option(names = "--terminal", paramLabel = "ID",
            description = "With --mode rabbit: a terminal whose queue to delete (repeat it; queues cannot be listed over AMQP; "
                    + "default: no terminal queue).")
    List<String> terminalIds = new ArrayList<>();

    @ArgGroup(validate = false, heading = RedisOptions.HEADING)
    RedisOptions redis = new RedisOptions();

    @ArgGroup(validate = false, heading = RabbitOptions.HEADING)
    RabbitOptions rabbit = new RabbitOptions();

    @Override
    public Integer call() throws Exception {
        boolean includeRabbit = mode.mode() == Mode.RABBIT; // the deployment's queues and exchange are its state too
        try (RedisMeteoStore store = new RedisMeteoStore(redis.settings())) {
            long keys = store.keyCount();
            RabbitSettings rabbitSettings = rabbit.settings();
            Topology topology = new Topology(rabbitSettings);
            List<String> queues = new ArrayList<>(List.of(topology.workQueue(), topology.deadLetterQueue()));
            terminalIds.forEach(id -> queues.add(topology.terminalQueue(id)));
            String what = keys + " Redis keys under '" + redis.prefix() + "' on " + store.settings().redactedUri()
                    + (includeRabbit ? " and the queues " + queues + " and exchange " + topology.windowsExchange()
                    + " on " + rabbitSettings.redactedUri() : "");
            if (!yes) {
                Console.info("reset: would delete " + what + "; add --yes to delete them");
                return 0;
            }
            store.deleteAll();
            if (includeRabbit) {
                try (Connection connection = RabbitConnections.open(rabbitSettings, rabbitSettings.namePrefix() + "-reset")) {
                    topology.deleteAll(connection, terminalIds);
                }
            }
            Console.info("reset: deleted " + what);
            return 0;
        }
    }
}
