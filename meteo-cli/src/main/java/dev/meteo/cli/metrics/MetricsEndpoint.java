package dev.meteo.cli.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.meteo.internal.DaemonThreadFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;







import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A role's metrics ({@link RoleMetrics}), served for Prometheus at {@code /metrics} by the JDK's HTTP server: the
 * text format 0.0.4, or OpenMetrics when the scraper asks for it ({@code Accept: application/openmetrics-text}).
 * Thread-safe; {@link #close()} stops it within a second.
 *
 * <p>{@code /health} answers whether the role does its job, for a readiness probe (Kubernetes, compose): 503
 * {@code starting} until the role has started (it may wait for its peers), 200 {@code ready} once it has, 503
 * {@code unhealthy: <why>} while it runs but cannot do its job (a terminal whose file cannot be written), 503 with the
 * reason once it stopped by itself. Plain HTTP on this port, so a probe needs no certificate when gRPC uses TLS.
 */
public final class MetricsEndpoint implements AutoCloseable {

    /** The path Prometheus scrapes. */
    public static final String PATH = "/metrics";
    /** The path a readiness probe asks. */
    public static final String HEALTH_PATH = "/health";

    private final RoleMetrics metrics;
    private final boolean ownsMetrics;
    private final HttpServer server;
    private final ExecutorService executor;
    /** {@code null} once ready, else why not. */
    private volatile String notReady = "starting";
    /** Why the running role cannot do its job now, {@code null} while it can. */
    private volatile Supplier<String> problem = () -> null;

    private MetricsEndpoint(RoleMetrics metrics, boolean ownsMetrics, HttpServer server, ExecutorService executor) {
        this.metrics = metrics;
        this.ownsMetrics = ownsMetrics;
        this.server = server;
        this.executor = executor;
    }

    /**
     * Serves the metrics of the role {@code role} with id {@code id} on {@code host:port} (0: a free port), in a
     * {@link RoleMetrics} of its own, closed with the endpoint.
     *
     * @throws UncheckedIOException when the address cannot be bound (port taken: choose another, or 0)
     */
    public static MetricsEndpoint start(String host, int port, String role, String id) {
        RoleMetrics metrics = RoleMetrics.of(role, id);
        try {
            return start(metrics, host, port, true);
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
        }
    }

    /**
     * Serves {@code metrics} on {@code host:port} (0: a free port); closing the endpoint leaves them open.
     *
     * @throws UncheckedIOException when the address cannot be bound (port taken: choose another, or 0)
     */
    public static MetricsEndpoint start(RoleMetrics metrics, String host, int port) {
        return start(metrics, host, port, false);
    }

    private static MetricsEndpoint start(RoleMetrics metrics, String host, int port, boolean owns) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port + " (" + e.getMessage()
                    + "); choose another --metrics-port, or 0 for any free one", e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(new DaemonThreadFactory("metrics-http"));
        MetricsEndpoint endpoint = new MetricsEndpoint(metrics, owns, server, executor);
        server.createContext(PATH, endpoint::scrape);
        server.createContext(HEALTH_PATH, endpoint::health);
        server.setExecutor(executor);
        server.start();
        return endpoint;
    }

    /** Where the role's meters go. */
    public MeterRegistry registry() {
        return metrics.registry();
    }

    /** The role's meters this endpoint serves. */
    public RoleMetrics metrics() {
        return metrics;
    }

    /** The role has started and does its job: {@code /health} answers 200. */
    public void ready() {
        notReady = null;
    }

    /** While the role runs, {@code /health} answers 503 {@code unhealthy: <why>} whenever {@code problem} gives a why. */
    public void unhealthyWhen(Supplier<String> problem) {
        this.problem = problem;
    }

    /** The role cannot go on ({@code why}): {@code /health} answers 503 with the reason. */
    public void failed(String why) {
        notReady = "stopped: " + why;
    }

    private void health(HttpExchange exchange) throws IOException {
        try (exchange) {
            String why = notReady;
            if (why == null) {
                String now = problem.get();
                why = now == null ? null : "unhealthy: " + now;
            }
            byte[] body = ((why == null ? "ready" : why) + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(why == null ? 200 : 503, exchange.getRequestMethod().equals("HEAD") ? -1 : body.length);
            if (!exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseBody().write(body);
            }
        }
    }

    /** Runs {@code refresher} before every scrape (it must be quick and must not throw). */
    public void beforeScrape(Runnable refresher) {
        metrics.beforeRead(refresher);
    }

    /** The port actually bound. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The scrape address, e.g. {@code http://127.0.0.1:9400/metrics}. */
    public URI url() {
        String host = server.getAddress().getHostString();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + PATH);
    }

    /** The exposition in the given format (as {@link PrometheusMeterRegistry#scrape(String)}), after the refreshers. */
    public String scrape(String contentType) {
        return metrics.scrape(contentType);
    }

    private void scrape(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            String accept = exchange.getRequestHeaders().getFirst("Accept");
            String contentType = accept != null && accept.contains("application/openmetrics-text")
                    ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                    : "text/plain; version=0.0.4; charset=utf-8";
            byte[] body = scrape(contentType).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        if (ownsMetrics) {
            metrics.close();
        }
    }
}
