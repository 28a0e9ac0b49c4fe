package dev.meteo.cli.metrics;

import dev.meteo.cli.io.Json;
import dev.meteo.metrics.Measured;
import dev.meteo.metrics.Measurement;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A role's metrics endpoint over HTTP: the Prometheus text format, OpenMetrics on request, a part's meters. */
class MetricsEndpointTest {

    @Test
    void servesPrometheusTextOrOpenMetricsWithTheRolesTagsAndAPartsMetersAsTheyAppear() throws Exception {
        List<Measurement> reported = new CopyOnWriteArrayList<>(List.of(
                Measurement.counter("meteo.test.calls", "calls", 3).tagged("backend", "127.0.0.1:1")));
        Measured part = () -> List.copyOf(reported);
        try (MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, "server", "server-7")) {
            endpoint.metrics().bind(part);
            URI url = endpoint.url();
            assertEquals("/metrics", url.getPath());

            HttpResponse<String> text = get(url, null);
            assertEquals(200, text.statusCode());
            assertTrue(text.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            Exposition scrape = Exposition.parse(text.body());
            assertEquals(3, scrape.sum("meteo_test_calls_total"), text.body());
            assertTrue(scrape.samples().stream().filter(s -> s.name().equals("meteo_test_calls_total"))
                    .allMatch(s -> s.labels().get("role").equals("server") && s.labels().get("role_id").equals("server-7")
                            && s.labels().get("backend").equals("127.0.0.1:1")), text.body());
            assertTrue(scrape.has("jvm_memory_used_bytes") && scrape.has("process_cpu_usage"), "JVM and process meters");

            // a new backend appears: its series is there at the next scrape, the first one keeps counting
            reported.set(0, Measurement.counter("meteo.test.calls", "calls", 5).tagged("backend", "127.0.0.1:1"));
            reported.add(Measurement.counter("meteo.test.calls", "calls", 2).tagged("backend", "127.0.0.1:2"));
            assertEquals(7, Exposition.parse(get(url, null).body()).sum("meteo_test_calls_total"));
            // the status file's report is a rendering of the same meters: the same figure
            RoleReport report = endpoint.metrics().report(false, List.of());
            assertEquals(7, report.count("meteo.test.calls"));
            assertEquals(report, Json.read(Json.write(report), RoleReport.class), "a report reads back as written");

            HttpResponse<String> openMetrics = get(url, "application/openmetrics-text; version=1.0.0");
            assertTrue(openMetrics.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
            assertTrue(openMetrics.body().stripTrailing().endsWith("# EOF"), "OpenMetrics ends with # EOF");
            assertFalse(text.body().contains("# EOF"));
        }
    }

    private static HttpResponse<String> get(URI url, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).GET();
        if (accept != null) {
            request.header("Accept", accept);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
