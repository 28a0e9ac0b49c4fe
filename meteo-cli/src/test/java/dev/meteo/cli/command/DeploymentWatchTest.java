package dev.meteo.cli.command;

import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.testing.RedisTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A terminal is not told the grace: it reads the deployment's from Redis, where the first proxy wrote it, also when
 * the proxy starts after the terminal. On the real Redis.
 */
class DeploymentWatchTest {

    private final RedisMeteoStore deployment = RedisTestSupport.freshStore();

    @AfterEach
    void cleanUp() {
        deployment.deleteAll();
        deployment.close();
    }

    @Test
    void aTerminalReadsTheGraceTheFirstProxyWroteEvenWhenTheProxyStartsLater() {
        try (DeploymentWatch watch = new DeploymentWatch(deployment.settings(), List.of())) {
            assertEquals(-1, watch.graceMillis(), "no proxy yet: no grace");
            deployment.initialiseHorizon(System.currentTimeMillis(), 2_000, 3_500, Long.MIN_VALUE); // the first proxy
            await().atMost(Duration.ofSeconds(10)).until(() -> watch.graceMillis() == 3_500);
        }
    }
}
