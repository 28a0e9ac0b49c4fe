package dev.meteo.process;

import dev.meteo.cli.io.Json;
import dev.meteo.process.ChildProcess;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's side of its children's metrics: a Prometheus {@code file_sd} targets file naming every child's endpoint
 * (so a Prometheus started with {@code deploy/prometheus.yml} scrapes them), and snapshots of their expositions, kept
 * with the run for later inspection.
 */
public final class Scrapes {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Scrapes() {
    }

    /** One exposition in the Prometheus text format, fetched now. */
    public static String fetch(URI endpoint) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(5)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(endpoint + " answered HTTP " + response.statusCode());
        }
        return response.body();
    }

    /**
     * Writes the children's endpoints as a Prometheus {@code file_sd_configs} file: one target group per child, with
     * the labels {@code process} (its name in the demo), {@code mode} and {@code run}. Replaced atomically.
     */
    public static void writeTargets(Path file, List<ChildProcess> children, String mode, String run) throws IOException {
        List<Map<String, Object>> groups = new ArrayList<>();
        for (ChildProcess child : children) {
            child.metricsUrl().ifPresent(url -> {
                Map<String, Object> group = new LinkedHashMap<>();
                group.put("targets", List.of(url.getHost() + ":" + url.getPort()));
                group.put("labels", Map.of("process", child.name(), "mode", mode, "run", run));
                groups.add(group);
            });
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, Json.write(groups) + "\n");
        Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Saves each running child's exposition as {@code <folder>/<name>.prom}; a child that does not answer is skipped. */
    public static void snapshot(Path folder, List<ChildProcess> children) throws IOException, InterruptedException {
        Files.createDirectories(folder);
        for (ChildProcess child : children) {
            if (child.isAlive() && child.metricsUrl().isPresent()) {
                try {
                    Files.writeString(folder.resolve(child.name() + ".prom"), fetch(child.metricsUrl().get()));
                } catch (IOException e) {
                    // it is stopping: its counters are in its status file anyway
                }
            }
        }
    }
}
