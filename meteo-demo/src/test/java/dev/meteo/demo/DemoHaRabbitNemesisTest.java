package dev.meteo.demo;

import dev.meteo.cli.options.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Indirect mode in the HA topology under the nemesis: every child on a network-namespace host, Redis under three
 * Sentinels, three RabbitMQ nodes; hosts and sensors partitioned, the Redis primary lost, a RabbitMQ node lost, kills and pauses, with a fixed
 * seed ({@link DemoRuns#haFlags}). Skipped, saying why, without root, {@code ip netns} or the stores' binaries.
 */
class DemoHaRabbitNemesisTest {

    @TempDir
    Path dataRoot;

    @Test
    void everyConfirmedRecordIsCountedOnceAndTheVerdictHoldsUnderPartitionsAndStoreLosses() throws IOException {
        DemoHaNemesisRuns.assumeHaTopologyRuns();

        DemoRuns.Run run = DemoHaNemesisRuns.run(dataRoot, Mode.RABBIT);

        DemoHaNemesisRuns.assertHaRunHolds(run, Mode.RABBIT);
    }
}
