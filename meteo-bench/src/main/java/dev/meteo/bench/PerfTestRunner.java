package dev.meteo.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs RabbitMQ PerfTest ({@code com.rabbitmq:perf-test:2.22.1}) as a child JVM in the pipeline's {@link Shape}
 * (producers, consumers, message size, confirm window, prefetch): persistent messages, publisher confirms, manual acks
 * one message at a time (as the compute servers ack), on a queue of its own of the type the
 * pipeline's queues have (a quorum queue costs the broker far more per message than a classic one, so a limit
 * measured on the other type says nothing about the pipeline), and parses its output. The artifact on Maven Central is a plain jar, not the executable one of PerfTest's GitHub releases, so its
 * runtime dependencies (pinned below, as its POM lists them) go on the class path: each is taken from the local Maven
 * repository when there, else downloaded once from Maven Central into {@code ~/.cache/meteo/perf-test/}.
 */
final class PerfTestRunner {

    static final String VERSION = "2.22.1";
    private static final String CENTRAL = "https://repo1.maven.org/maven2/";
    private static final String MAIN_CLASS = "com.rabbitmq.perf.PerfTest";

    /** group:artifact:version of PerfTest and what it loads at run time (micrometer registries included: it creates them at start). */
    static final List<String> ARTIFACTS = List.of(
            "com.rabbitmq:perf-test:" + VERSION,
            "com.rabbitmq:amqp-client:5.23.0",
            "org.slf4j:slf4j-api:2.0.16",
            "ch.qos.logback:logback-core:1.3.14",
            "ch.qos.logback:logback-classic:1.3.14",
            "commons-cli:commons-cli:1.9.0",
            "io.dropwizard.metrics:metrics-core:4.2.28",
            "io.dropwizard.metrics:metrics-jmx:4.2.28",
            "io.micrometer:micrometer-core:1.14.1",
            "io.micrometer:micrometer-commons:1.14.1",
            "io.micrometer:micrometer-observation:1.14.1",
            "io.micrometer:micrometer-registry-prometheus:1.14.1",
            "io.micrometer:micrometer-registry-datadog:1.14.1",
            "io.micrometer:micrometer-registry-jmx:1.14.1",
            "io.prometheus:prometheus-metrics-core:1.3.3",
            "io.prometheus:prometheus-metrics-model:1.3.3",
            "io.prometheus:prometheus-metrics-config:1.3.3",
            "io.prometheus:prometheus-metrics-exposition-formats:1.3.3",
            "io.prometheus:prometheus-metrics-tracer-common:1.3.3",
            "org.hdrhistogram:HdrHistogram:2.2.2",
            "org.latencyutils:LatencyUtils:2.0.3",
            "com.google.code.gson:gson:2.11.0");

    private final Path localRepository;
    private final Path cacheDir;

    PerfTestRunner() {
        this(Path.of(System.getProperty("user.home"), ".m2", "repository"),
                Path.of(System.getProperty("user.home"), ".cache", "meteo", "perf-test"));
    }

    PerfTestRunner(Path localRepository, Path cacheDir) {
        this.localRepository = localRepository;
        this.cacheDir = cacheDir;
    }

    /** The jars, fetching the missing ones; throws with what to do when offline. */
    List<Path> classPath() throws IOException, InterruptedException {
        List<Path> jars = new ArrayList<>();
        HttpClient http = null;
        for (String coordinates : ARTIFACTS) {
            String[] gav = coordinates.split(":");
            String relative = gav[0].replace('.', '/') + "/" + gav[1] + "/" + gav[2] + "/" + gav[1] + "-" + gav[2] + ".jar";
            Path local = localRepository.resolve(relative);
            Path cached = cacheDir.resolve(gav[1] + "-" + gav[2] + ".jar");
            if (Files.isRegularFile(local)) {
                jars.add(local);
            } else if (Files.isRegularFile(cached)) {
                jars.add(cached);
            } else {
                if (http == null) {
                    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                            .followRedirects(HttpClient.Redirect.NORMAL).build();
                }
                download(http, CENTRAL + relative, cached, coordinates);
                jars.add(cached);
            }
        }
        return jars;
    }

    private static void download(HttpClient http, String url, Path target, String coordinates)
            throws IOException, InterruptedException {
        Files.createDirectories(target.getParent());
        System.err.println("bench: downloading " + coordinates + " from Maven Central");
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            try (InputStream body = response.body()) {
                Files.copy(body, partial, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            throw new IOException("cannot download RabbitMQ PerfTest's " + coordinates + " from " + url + " (" + e.getMessage()
                    + "); when offline, fetch it once elsewhere with 'mvn dependency:get -Dartifact=com.rabbitmq:perf-test:"
                    + VERSION + "' or run bench with --no-limits", e);
        }
    }

    /**
     * Runs PerfTest for {@code seconds} against {@code amqpUri} on queue {@code queue} (auto-deleted at the end), saving
     * its output to {@code log}.
     */
    PerfTestSummary run(String amqpUri, String queue, boolean quorum, int seconds, Shape shape, Path log)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", String.join(java.io.File.pathSeparator, classPath().stream().map(Path::toString).toList()),
                MAIN_CLASS, "-h", perfTestUri(amqpUri)));
        command.addAll(arguments(queue, quorum, seconds, shape));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("PerfTest did not finish in " + (seconds + 60) + " s; see " + log);
        }
        PerfTestSummary summary = PerfTestSummary.parse(Files.readString(log, StandardCharsets.UTF_8));
        if (process.exitValue() != 0 || !summary.complete()) {
            throw new IOException("PerfTest failed (exit " + process.exitValue() + "); see " + log);
        }
        return summary;
    }

    /**
     * What PerfTest sends, shaped like the pipeline it is the ceiling of.
     *
     * @param producers     publishing connections: the pipeline's sensor processes
     * @param consumers     consuming connections: the pipeline's compute servers
     * @param messageBytes  body bytes of each message: one record's message, or a batch message of the pipeline's
     *                      records per message ({@link MessageSize})
     * @param confirmWindow per producer, messages published and not yet confirmed ({@code -c}): the sensors' in-flight
     *                      bound in messages
     * @param prefetch      per consumer, unacked messages ({@code -q}): the servers' {@code --rabbit-prefetch}
     */
    record Shape(int producers, int consumers, int messageBytes, int confirmWindow, int prefetch) {

        /** PerfTest as the bench ran it before it took the pipeline's shape: 2 x 2, 12-byte messages, 100 / 100. */
        static final Shape DEFAULT = new Shape(2, 2, 12, 100, 100);

        Shape {
            for (int value : new int[] {producers, consumers, messageBytes, confirmWindow, prefetch}) {
                if (value < 1) {
                    throw new IllegalArgumentException("a PerfTest shape takes positive numbers: " + producers + " "
                            + consumers + " " + messageBytes + " " + confirmWindow + " " + prefetch);
                }
            }
        }

        Map<String, Object> toMap() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("producers", producers);
            out.put("consumers", consumers);
            out.put("message_bytes", messageBytes);
            out.put("confirm_window", confirmWindow);
            out.put("prefetch", prefetch);
            return out;
        }
    }

    /** The arguments of {@link Shape#DEFAULT}. */
    static List<String> arguments(String queue, boolean quorum, int seconds) {
        return arguments(queue, quorum, seconds, Shape.DEFAULT);
    }

    /**
     * PerfTest's arguments: persistent ({@code -f persistent}), confirmed ({@code -c}), acked one by one
     * ({@code --multi-ack-every 0}, as a compute server acks each message) with a prefetch ({@code -q}), of
     * {@code -s} bytes. A quorum queue ({@code --quorum-queue}: {@code x-queue-type=quorum}) cannot be auto-deleted,
     * so it is kept ({@code -ad false}) and the caller deletes it; a classic one goes when PerfTest disconnects.
     */
    static List<String> arguments(String queue, boolean quorum, int seconds, Shape shape) {
        List<String> args = new ArrayList<>(List.of("-x", Integer.toString(shape.producers()),
                "-y", Integer.toString(shape.consumers()), "-f", "persistent",
                "-c", Integer.toString(shape.confirmWindow()), "-q", Integer.toString(shape.prefetch()),
                "--multi-ack-every", "0", "-s", Integer.toString(shape.messageBytes()),
                "-z", Integer.toString(seconds), "-i", "1", "-u", queue));
        args.addAll(quorum ? List.of("--quorum-queue", "-ad", "false") : List.of("-ad", "true"));
        return args;
    }

    /** PerfTest reads an empty vhost path as the vhost "" (not "/"), so say "/" explicitly, as %2f. */
    static String perfTestUri(String amqpUri) {
        URI uri = URI.create(amqpUri);
        String path = uri.getRawPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            String base = amqpUri.endsWith("/") ? amqpUri.substring(0, amqpUri.length() - 1) : amqpUri;
            return base + "/%2f";
        }
        return amqpUri;
    }
}
