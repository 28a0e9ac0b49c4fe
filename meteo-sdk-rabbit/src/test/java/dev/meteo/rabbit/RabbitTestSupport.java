package dev.meteo.rabbit;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.meteo.model.SensorRecord;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.sensor.RecordPublisher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

import static org.awaitility.Awaitility.await;

/** The real RabbitMQ on 127.0.0.1:5672 (or {@code METEO_TEST_RABBIT_URI}), with names unique to one test. */
public final class RabbitTestSupport {

    private RabbitTestSupport() {
    }

    /** Settings whose queues and exchange are named {@code meteo-test-<unique>.*}; terminal queues expire quickly. */
    public static RabbitSettings freshSettings() {
        return settings("meteo-test-" + UUID.randomUUID().toString().substring(0, 8));
    }

    public static RabbitSettings settings(String prefix) {
        String fromEnv = System.getenv("METEO_TEST_RABBIT_URI");
        return tuned(RabbitSettings.of(fromEnv == null || fromEnv.isBlank() ? RabbitSettings.DEFAULT_URI : fromEnv), prefix);
    }

    /** {@code base} with names under {@code prefix} and the tests' short limits. */
    public static RabbitSettings tuned(RabbitSettings base, String prefix) {
        // Leftovers of a crashed test run disappear by themselves within minutes.
        return base.withNamePrefix(prefix)
                .withTerminalQueueLimits(1_000, Duration.ofMinutes(5), Duration.ofMinutes(10))
                .withRequeuePause(Duration.ofMillis(200));
    }

    /** Deletes the queues and exchange of {@code settings} and the named terminals' queues. */
    public static void deleteTopology(RabbitSettings settings, List<String> terminalIds) throws IOException {
        try (Connection connection = RabbitConnections.open(settings, settings.namePrefix() + "-cleanup")) {
            new Topology(settings).deleteAll(connection, terminalIds);
        }
    }

    /**
     * Makes the broker close every connection whose client-provided name contains one of {@code nameParts}, as a broker
     * restart or an operator would (the client sees a server-initiated close and recovers). Uses rabbitmqctl.
     *
     * @return how many connections were closed
     */
    public static int forceCloseConnections(String... nameParts) throws IOException, InterruptedException {
        String listing = run("rabbitmqctl", "-q", "list_connections", "pid", "client_properties");
        int closed = 0;
        for (String line : listing.split("\n")) {
            if (line.startsWith("<") && java.util.Arrays.stream(nameParts).anyMatch(line::contains)) {
                String pid = line.substring(0, line.indexOf('>') + 1);
                run("rabbitmqctl", "-q", "close_connection", pid, "test: forced close");
                closed++;
            }
        }
        return closed;
    }

    /**
     * Publishes {@code record(0)}, {@code record(1)}, ... with at most {@code inFlight} unconfirmed, has the broker
     * close the publisher's connection after {@code each} records, waits until the publisher published its
     * unconfirmed messages again, publishes {@code each} more, stops, and waits for every confirmation.
     *
     * @return how many records were published (sequences 0 to the result minus one), every one confirmed
     */
    public static long publishAcrossABrokerClosedConnection(RecordPublisher publisher, String connectionName,
            LongSupplier republished, LongFunction<SensorRecord> record, int inFlight, long each) throws Exception {
        Semaphore window = new Semaphore(inFlight);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong sent = new AtomicLong();
        List<CompletableFuture<Void>> confirmations = new CopyOnWriteArrayList<>();
        Thread sensor = new Thread(() -> {
            try {
                while (running.get()) {
                    window.acquire();
                    CompletableFuture<Void> confirmed = publisher.publish(record.apply(sent.getAndIncrement()));
                    confirmations.add(confirmed);
                    confirmed.whenComplete((ignored, error) -> window.release());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "test-sensor");
        sensor.start();
        Duration atMost = Duration.ofSeconds(60);
        try {
            await().atMost(atMost).until(() -> sent.get() >= each);
            if (forceCloseConnections(connectionName) != 1) {
                throw new AssertionError("the broker did not close exactly one connection named " + connectionName);
            }
            await().atMost(atMost).until(() -> republished.getAsLong() > 0);
            long afterRecovery = sent.get();
            await().atMost(atMost).until(() -> sent.get() >= afterRecovery + each);
        } finally {
            running.set(false);
            sensor.join(10_000);
        }
        CompletableFuture.allOf(confirmations.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        return sent.get();
    }

    /** Takes every message {@code queue} holds, acknowledged as taken (basic.get with auto-ack). */
    public static List<GetResponse> drain(Connection connection, String queue) throws Exception {
        List<GetResponse> messages = new ArrayList<>();
        try (Channel channel = connection.createChannel()) {
            GetResponse response;
            while ((response = channel.basicGet(queue, true)) != null) {
                messages.add(response);
            }
        }
        return messages;
    }

    /** The messages {@code queue} holds ready for a consumer. */
    public static long ready(Connection connection, String queue) throws Exception {
        try (Channel channel = connection.createChannel()) {
            return channel.queueDeclarePassive(queue).getMessageCount();
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }
}
