package dev.meteo.demo;

import dev.meteo.cli.options.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Direct mode in the HA topology under the nemesis: every child on a network-namespace host (two load balancers among
 * them), Redis under three Sentinels; hosts and sensors partitioned, the Redis primary lost, kills and pauses, with a fixed
 * seed ({@link DemoRuns#haFlags}). Skipped, saying why, without root, {@code ip netns} or the stores' binaries.
 */
class DemoHaGrpcNemesisTest {

    @TempDir
    Path dataRoot;

    @Test
    void everyConfirmedRecordIsCountedOnceAndTheVerdictHoldsUnderPartitionsAndStoreLosses() throws IOException {
        DemoHaNemesisRuns.assumeHaTopologyRuns();

        DemoRuns.Run run = DemoHaNemesisRuns.run(dataRoot, Mode.GRPC);

        DemoHaNemesisRuns.assertHaRunHolds(run, Mode.GRPC);
    }
}
