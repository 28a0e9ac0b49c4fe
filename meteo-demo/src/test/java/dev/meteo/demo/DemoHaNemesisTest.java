package dev.meteo.demo;

import dev.meteo.cli.io.Json;
import dev.meteo.cli.options.Mode;
import dev.meteo.embedded.HaServices;
import dev.meteo.nemesis.Fault;
import dev.meteo.nemesis.FaultKind;
import dev.meteo.nemesis.History;
import dev.meteo.process.NetnsHosts;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.meteo.demo.DemoRuns.assertAccountingHolds;
import static dev.meteo.demo.DemoRuns.assertNothingLost;
import static dev.meteo.demo.DemoRuns.assertTerminalsHoldEveryWindowOnceInOrder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Each mode in the HA topology under the nemesis, a 90-second {@code meteo demo --topology ha --chaos} run with a fixed
 * seed ({@link DemoRuns#haFlags}): every child on a network-namespace host (two load balancers among them in grpc
 * mode), Redis under three Sentinels, three RabbitMQ nodes in rabbit mode; hosts and sensors partitioned, the Redis
 * primary lost, a RabbitMQ node lost (rabbit), kills and pauses. The two modes run one after the other, and only
 * with {@code -Dmeteo.ha=true}, which {@code .ci/run} gives once the suite is done: side by side with the suite they
 * loaded a two-CPU machine enough to make other tests' records late. Skipped, saying why, without it, root,
 * {@code ip netns} or the stores' binaries.
 */
class DemoHaNemesisTest {

    @TempDir
    Path dataRoot;

    @ParameterizedTest
    @EnumSource(Mode.class)
    void everyConfirmedRecordIsCountedOnceAndTheVerdictHoldsUnderPartitionsAndStoreLosses(Mode mode)
            throws IOException {
        assumeHaTopologyRuns();

        DemoRuns.Run run = DemoRuns.demo(dataRoot, "ha-" + mode, DemoRuns.haFlags(mode));

        assertHaRunHolds(run, mode);
    }

    /** Skips the test, saying why, where network namespaces or the stores' binaries are missing. */
    private static void assumeHaTopologyRuns() {
        assumeTrue(Boolean.getBoolean("meteo.ha"), "the HA topology's runs need the machine to themselves: "
                + "-Dmeteo.ha=true (.ci/run runs them after the suite)");
        String why = NetnsHosts.unavailable();
        assumeTrue(why == null, "--topology ha needs network namespaces: " + why);
        String services = HaServices.unavailable();
        assumeTrue(services == null, "--topology ha starts its own Redis and RabbitMQ nodes: " + services);
    }

    /**
     * Every confirmed record exactly once (nothing lost: no sensor is killed), the verdict passes, every kind only the
     * HA topology injects happened and ended, the Redis primary was promoted away from, and both terminals hold the
     * same windows in order.
     */
    private static void assertHaRunHolds(DemoRuns.Run run, Mode mode) throws IOException {
        assertAccountingHolds(run);
        assertNothingLost(run);
        List<Fault> history = History.read(run.dir().resolve(DemoCommand.HISTORY_FILE));
        Set<FaultKind> kinds = history.stream().map(Fault::kind).collect(Collectors.toSet());
        assertTrue(kinds.containsAll(DemoRuns.haKinds(mode)), "the kinds in history.jsonl: " + history);
        assertTrue(history.stream().allMatch(Fault::ended), "every fault ended: " + history);
        List<Fault> failovers = history.stream().filter(fault -> fault.kind() == FaultKind.REDIS_PRIMARY_LOSS).toList();
        assertTrue(failovers.stream().allMatch(fault -> fault.detail().containsKey("failover-ms")),
                "each Redis primary loss records how long the Sentinels took: " + failovers);
        assertTrue(history.stream().allMatch(fault -> fault.role().isPresent()), "every fault names its role");
        Map<?, ?> verdict = (Map<?, ?>) Json.read(Files.readString(run.dir().resolve(DemoCommand.VERDICT_FILE)));
        assertEquals(Boolean.TRUE, verdict.get("passes"), "verdict.json: " + verdict);
        assertEquals(DemoRuns.HA_SEEDS.get(mode), run.number("chaos_seed"));
        assertTerminalsHoldEveryWindowOnceInOrder(run);
        System.out.printf("[ha nemesis %s] seed %d: %d faults %s; sent %d, late %d; failovers %s ms%n", mode,
                run.number("chaos_seed"), history.size(), history.stream().map(fault -> fault.kind() + " "
                        + fault.target()).collect(Collectors.joining(", ")), run.number("records_sent"),
                run.number("records_late"),
                failovers.stream().map(fault -> fault.detail().get("failover-ms")).toList());
    }
}
