package dev.meteo.demo;

import dev.meteo.cli.Meteo;
import dev.meteo.cli.Processes;
import dev.meteo.redis.RedisSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo killed with SIGKILL leaves no orphan: it cannot stop its children then, but each child watches the pipe
 * on its stdin ({@link ParentWatch}), reads end-of-file when the demo dies, and exits.
 */
class DemoOrphanTest {

    /** The smallest demo in grpc mode: LB, proxy, 1 server, 1 terminal, then 1 air and 1 pollution sensor. */
    private static final int CHILDREN = 6;

    @TempDir
    Path dataDir;

    private Process demo;
    private final List<ProcessHandle> children = new ArrayList<>();

    @Test
    void everyChildExitsWhenTheDemoIsKilled() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        demo = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Meteo.class.getName(),
                "demo", "--headless", "--mode", "grpc", "--duration", "5m",
                "--air-sensors", "1", "--pollution-sensors", "1", "--servers", "1", "--terminals", "1",
                "--interval", "200ms", "--window", "1s", "--grace", "1s", "--delay", "0..50ms",
                "--data-dir", dataDir.toString(), "--http-port", "0",
                "--lb", "127.0.0.1:" + Processes.freePort(), "--proxy", "127.0.0.1:" + Processes.freePort())
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("demo.log").toFile())
                .start();

        // the sensors start last, once the others said they are ready: all of them there means all started
        await("the demo's " + CHILDREN + " children (see " + dataDir.resolve("demo.log") + ")")
                .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> demo.isAlive() && demo.descendants().filter(Processes::running).count() >= CHILDREN);
        children.addAll(demo.descendants().toList());

        demo.destroyForcibly(); // SIGKILL: no shutdown hook runs in the demo

        await("every child of the killed demo exits").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> children.stream().noneMatch(Processes::running));
        assertTrue(children.size() >= CHILDREN);
    }

    @AfterEach
    void killWhatIsLeft() throws IOException {
        // a failed run must not leave JVMs behind for the next tests
        if (demo != null) {
            demo.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        // the killed demo could not delete its Redis keys (grpc mode: no queues); the folder of the run names them
        try (Stream<Path> runs = Files.list(dataDir);
             Jedis jedis = new Jedis(URI.create(System.getenv().getOrDefault("METEO_REDIS_URI", RedisSettings.DEFAULT_URI)))) {
            runs.filter(Files::isDirectory).forEach(run -> jedis.keys("meteo:demo-" + run.getFileName() + ":*").forEach(jedis::del));
        }
    }
}
