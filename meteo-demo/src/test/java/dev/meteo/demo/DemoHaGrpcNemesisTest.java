package dev.meteo.demo;

import dev.meteo.cli.options.Mode;

/**
 * Direct mode in the HA topology under the nemesis: every child on a network-namespace host (two load balancers
 * among them), Redis under three Sentinels; hosts and sensors partitioned, the Redis primary lost, kills and pauses,
 * with a fixed seed ({@link DemoRuns#haFlags}).
 */
class DemoHaGrpcNemesisTest extends DemoHaNemesisRun {

    DemoHaGrpcNemesisTest() {
        super(Mode.GRPC);
    }
}
