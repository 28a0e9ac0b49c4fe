package dev.meteo.demo;

import dev.meteo.cli.Meteo;
import dev.meteo.cli.Processes;
import dev.meteo.cli.dashboard.JsonlFileSink;
import dev.meteo.cli.options.Mode;
import dev.meteo.process.ChildProcess;
import dev.meteo.grpc.Endpoint;
import dev.meteo.grpc.GrpcTransport;
import dev.meteo.grpc.GrpcTransportSettings;
import dev.meteo.model.Accounting;
import dev.meteo.model.WindowResult;
import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.RabbitTransport;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;
import dev.meteo.terminal.RecordingSink;
import dev.meteo.testing.RunningPipeline;
import dev.meteo.transport.Transport;
import dev.meteo.window.WindowSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A terminal whose file cannot be written, with a real fault: {@code meteo terminal} runs in its own process, and once
 * it holds a few windows its file size limit is lowered below the file's next line ({@code prlimit --pid --fsize}), so
 * every write fails with "File too large". The terminal does not go past the window: it says it is unhealthy (log,
 * status line, {@code /health}, {@code meteo_terminal_healthy}) and does not take it (rabbit: unacknowledged, retried;
 * grpc: an error to the proxy, which sends it again). Once the limit is lifted its file holds exactly the windows a
 * healthy terminal of the same pipeline holds from its first one on: no gap, none twice, and the records add up.
 */
class TerminalFileFaultTest {

    private static final String REDIS_URI = System.getenv().getOrDefault("METEO_REDIS_URI", RedisSettings.DEFAULT_URI);
    private static final String RABBIT_URI = System.getenv().getOrDefault("METEO_RABBIT_URI", RabbitSettings.DEFAULT_URI);
    private static final WindowSpec WINDOW = WindowSpec.of(Duration.ofMillis(500), Duration.ofMillis(500));
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private Process terminal;
    private Thread logCopier;

    @AfterEach
    void stopTerminal() throws InterruptedException {
        if (terminal != null && terminal.isAlive()) {
            terminal.destroy();
            if (!terminal.waitFor(30, TimeUnit.SECONDS)) {
                terminal.destroyForcibly();
            }
        }
        if (logCopier != null) {
            logCopier.join(5_000);
        }
    }

    private static boolean onPath(String program) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(folder -> Files.isExecutable(Path.of(folder, program)));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aTerminalWhoseFileCannotBeWrittenDoesNotGoPastTheWindowAndCatchesUpWithoutGapOrRepeat(Mode mode) throws Exception {
        assumeTrue(onPath("prlimit"), "needs prlimit (util-linux) to lower a running terminal's file size limit");
        String run = "meteo-file-fault-" + UUID.randomUUID().toString().substring(0, 8);
        String terminalId = "faulty-" + run;
        RedisSettings redis = RedisSettings.of(REDIS_URI, run + ":");
        RabbitSettings rabbit = RabbitSettings.of(RABBIT_URI).withNamePrefix(run);
        Endpoint proxyAt = new Endpoint("127.0.0.1", Processes.freePort());
        Transport transport = mode == Mode.GRPC
                ? GrpcTransport.of(GrpcTransportSettings.of(new Endpoint("127.0.0.1", Processes.freePort()), proxyAt))
                : RabbitTransport.of(rabbit);
        int metricsPort = Processes.freePort();
        try (RedisMeteoStore store = new RedisMeteoStore(redis);
             RunningPipeline pipeline = RunningPipeline.on(transport, store).runId(run).window(WINDOW)
                     .sensors(1, 1, Duration.ofMillis(20)).start()) {
            pipeline.startSensors();
            terminal = startTerminal(mode, terminalId, run, proxyAt, metricsPort);
            Path file = JsonlFileSink.file(dir, terminalId);
            await("the terminal holds a few windows").atMost(Duration.ofSeconds(60))
                    .until(() -> Files.exists(file) && JsonlFileSink.read(file).size() >= 3);

            // the fault: not one more byte may be written to any file of that process
            prlimit("--fsize=" + (Files.size(file) + 1) + ":unlimited");
            await("the terminal says it is unhealthy").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> health(metricsPort).startsWith("503 unhealthy: terminal " + terminalId
                            + " cannot keep window") && health(metricsPort).contains("File too large"));
            long keptWhenFaulty = JsonlFileSink.read(file).size();
            pipeline.awaitMoreWindows(4, Duration.ofSeconds(30)); // the deployment goes on meanwhile
            assertTrue(metric(metricsPort, "meteo_terminal_healthy").equals("0.0"), metrics(metricsPort));
            assertTrue(Double.parseDouble(metric(metricsPort, "meteo_terminal_windows_not_kept_total")) >= 2,
                    metrics(metricsPort));
            assertEquals(keptWhenFaulty, JsonlFileSink.read(file).size(), "the terminal went past the window");
            String log = log();
            assertTrue(log.contains("cannot keep window") && log.contains("File too large")
                    && log.contains("UNHEALTHY: terminal " + terminalId + " cannot keep window"), log);

            prlimit("--fsize=unlimited");
            await("the terminal keeps its windows again").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> health(metricsPort).equals("200 ready"));
            RecordingSink reference = pipeline.sinks().get(0);
            Accounting accounting = pipeline.stopAndDrain(reference, Duration.ofSeconds(60));
            pipeline.assertExactlyOnce(accounting);
            long lastEnd = reference.results().get(reference.size() - 1).end().toEpochMilli();
            await("the terminal caught up").atMost(Duration.ofSeconds(60)).until(() -> {
                List<WindowResult> kept = JsonlFileSink.read(file);
                return !kept.isEmpty() && kept.get(kept.size() - 1).end().toEpochMilli() >= lastEnd;
            });

            List<WindowResult> kept = JsonlFileSink.read(file);
            assertEquals(kept.size(), new HashSet<>(kept).size(), "a window is twice in the file");
            RunningPipeline.assertContiguous(kept);
            List<WindowResult> all = reference.results();
            int first = all.indexOf(kept.get(0));
            assertTrue(first >= 0, "the file's first window is not one the deployment published");
            assertEquals(all.subList(first, first + kept.size()), kept, "the file differs from a healthy terminal's");
            assertTrue(log().contains("keeps windows again"), log());
        } finally {
            try (RedisMeteoStore cleanup = new RedisMeteoStore(redis)) {
                cleanup.deleteAll();
            }
            if (mode == Mode.RABBIT) {
                try (var connection = RabbitConnections.open(rabbit, "file-fault-cleanup")) {
                    new Topology(rabbit).deleteAll(connection, List.of(terminalId, "terminal-" + run + "-0"));
                }
            }
        }
    }

    private Process startTerminal(Mode mode, String id, String run, Endpoint proxyAt, int metricsPort) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"), Meteo.class.getName(), "terminal",
                "--mode", mode.name(), "--id", id, "--data-dir", dir.toString(), "--dashboard", "none",
                "--http-port", "-1", "--status-every", "500ms", "--metrics-port", String.valueOf(metricsPort),
                "--redis-uri", REDIS_URI, "--redis-prefix", run + ":"));
        if (mode == Mode.GRPC) {
            command.addAll(List.of("--proxy", proxyAt.toString()));
        } else {
            command.addAll(List.of("--rabbit-uri", RABBIT_URI, "--rabbit-prefix", run));
        }
        // its output through a pipe, copied here: a log file of its own would fall under its file size limit too
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Path log = dir.resolve("terminal.log");
        logCopier = new Thread(() -> copy(process.getInputStream(), log), "terminal-log");
        logCopier.start();
        await("the terminal is ready").atMost(Duration.ofSeconds(60))
                .until(() -> log().lines().anyMatch(line -> line.endsWith(": " + ChildProcess.READY)));
        return process;
    }

    private static void copy(InputStream from, Path to) {
        try (from; OutputStream out = Files.newOutputStream(to, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            byte[] buffer = new byte[8192];
            for (int read; (read = from.read(buffer)) >= 0; ) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // the terminal ended
        }
    }

    private String log() throws IOException {
        Path log = dir.resolve("terminal.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private void prlimit(String limit) throws IOException, InterruptedException {
        Process prlimit = new ProcessBuilder("prlimit", "--pid", String.valueOf(terminal.pid()), limit)
                .redirectErrorStream(true).start();
        String output = new String(prlimit.getInputStream().readAllBytes());
        assertEquals(0, prlimit.waitFor(), "prlimit " + limit + ": " + output);
    }

    private static String health(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body().strip();
    }

    private static String metrics(int port) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The value of the one series of {@code name}. */
    private static String metric(int port, String name) throws IOException, InterruptedException {
        return metrics(port).lines().filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .map(line -> line.substring(line.lastIndexOf(' ') + 1)).findFirst().orElse("absent");
    }
}
