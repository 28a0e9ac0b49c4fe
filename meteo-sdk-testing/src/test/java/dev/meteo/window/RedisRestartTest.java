package dev.meteo.window;

import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.model.Coefficient;
import dev.meteo.model.CoefficientKind;
import dev.meteo.model.RecordId;
import dev.meteo.model.WindowResult;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;
import dev.meteo.store.StoreUnavailableException;
import dev.meteo.testing.RecordingPublisher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a Redis restart does to the accounting, with a real {@code redis-server} of the test's own, killed (SIGKILL)
 * and started again mid-run: with the append-only file synced on every write nothing acknowledged is lost and the
 * windows go on; without persistence the aggregator stops with an alarm instead of re-opening windows.
 */
class RedisRestartTest {

    private static final WindowSpec WINDOW = WindowSpec.of(Duration.ofMillis(300), Duration.ofMillis(200));

    @TempDir
    Path dir;

    private final List<Process> servers = new ArrayList<>();
    private final AtomicLong acknowledged = new AtomicLong();
    private volatile boolean producing = true;

    @AfterEach
    void stop() {
        producing = false;
        servers.forEach(Process::destroyForcibly);
    }

    private static boolean onPath(String executable) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(folder -> Files.isExecutable(Path.of(folder, executable)));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private Process redis(int port, String... persistence) throws IOException {
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind",
                "127.0.0.1", "--save", "", "--dir", dir.toString()));
        command.addAll(List.of(persistence));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis-" + servers.size() + ".log").toFile()).start();
        servers.add(process);
        return process;
    }

    /** Stores a record every 5 ms at the current time, counting those Redis acknowledged, as compute servers would. */
    private void produce(RedisMeteoStore store) {
        DaemonThreadFactory.start("test-producer", () -> {
            long sequence = 0;
            while (producing) {
                Coefficient c = new Coefficient(CoefficientKind.WELLNESS, new RecordId("s", sequence), Instant.now(), 0.5);
                try {
                    store.storeAll(List.of(c));
                    acknowledged.incrementAndGet();
                    sequence++;
                } catch (StoreUnavailableException e) {
                    // Redis is down: the same record is sent again (stores are idempotent)
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private static WindowAggregator aggregator(RedisMeteoStore store, RecordingPublisher publisher) {
        return new WindowAggregator(AggregatorSettings.of(WINDOW, "proxy").withLease(Duration.ofSeconds(2),
                Duration.ofMillis(50)), store, publisher, Clock.systemUTC()).start();
    }

    private static RedisMeteoStore store(int port) {
        RedisMeteoStore store = new RedisMeteoStore(RedisSettings.of("redis://127.0.0.1:" + port + "/0", "restart:"));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            store.ping();
            return true;
        });
        return store;
    }

    @Test
    void withTheAppendOnlyFileNothingAcknowledgedIsLostAcrossAKilledRedis() throws Exception {
        assumeTrue(onPath("redis-server"), "needs redis-server on the PATH");
        int port = freePort();
        String[] durable = {"--appendonly", "yes", "--appendfsync", "always"};
        Process first = redis(port, durable);
        RecordingPublisher publisher = new RecordingPublisher();
        try (RedisMeteoStore store = store(port); WindowAggregator aggregator = aggregator(store, publisher)) {
            produce(store);
            await().atMost(Duration.ofSeconds(20)).until(() -> publisher.results().size() >= 3);

            first.destroyForcibly().waitFor();
            redis(port, durable);
            long restartedAt = System.currentTimeMillis();
            await().atMost(Duration.ofSeconds(20)).until(() -> lastEnd(publisher) > restartedAt + 1_000);
            producing = false;
            long stoppedAt = System.currentTimeMillis();
            await().atMost(Duration.ofSeconds(20)).until(() -> lastEnd(publisher) > stoppedAt);

            assertNull(aggregator.halted());
            assertContiguous(publisher.results());
            long inWindows = publisher.results().stream().mapToLong(WindowResult::recordCount).sum();
            assertEquals(acknowledged.get(), inWindows + store.lateCount(), "acknowledged records lost or counted twice");
        }
    }

    @Test
    void withoutPersistenceTheAggregatorStopsInsteadOfReopeningWindows() throws Exception {
        assumeTrue(onPath("redis-server"), "needs redis-server on the PATH");
        int port = freePort();
        Process first = redis(port, "--appendonly", "no");
        RecordingPublisher publisher = new RecordingPublisher();
        try (RedisMeteoStore store = store(port); WindowAggregator aggregator = aggregator(store, publisher)) {
            produce(store);
            await().atMost(Duration.ofSeconds(20)).until(() -> publisher.results().size() >= 3);

            first.destroyForcibly().waitFor();
            redis(port, "--appendonly", "no");
            await().atMost(Duration.ofSeconds(20)).until(() -> aggregator.halted() != null);
            assertTrue(aggregator.halted().contains("lost state"), aggregator.halted());
            assertContiguous(publisher.results()); // nothing re-emitted: no window repeated or going backwards
        }
    }

    private static long lastEnd(RecordingPublisher publisher) {
        List<WindowResult> results = publisher.results();
        return results.isEmpty() ? Long.MIN_VALUE : results.get(results.size() - 1).end().toEpochMilli();
    }

    private static void assertContiguous(List<WindowResult> results) {
        for (int i = 1; i < results.size(); i++) {
            assertEquals(results.get(i - 1).end(), results.get(i).start(), "not contiguous at " + i + ": " + results);
        }
    }
}
