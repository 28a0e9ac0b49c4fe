package dev.meteo.demo;

import dev.meteo.cli.options.Mode;

/**
 * Indirect mode in the HA topology under the nemesis: every child on a network-namespace host, Redis under three
 * Sentinels, three RabbitMQ nodes; hosts and sensors partitioned, the Redis primary lost, a RabbitMQ node lost, kills
 * and pauses, with a fixed seed ({@link DemoRuns#haFlags}).
 */
class DemoHaRabbitNemesisTest extends DemoHaNemesisRun {

    DemoHaRabbitNemesisTest() {
        super(Mode.RABBIT);
    }
}
