package dev.meteo.cli.dashboard;

import dev.meteo.cli.Meteo;
import dev.meteo.cli.io.Json;
import dev.meteo.cli.io.WindowResultJson;
import dev.meteo.model.WindowResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpDashboardTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private HttpDashboard dashboard;

    @AfterEach
    void stop() {
        if (dashboard != null) {
            dashboard.close();
        }
    }

    @Test
    void apiServesEveryWindowFedAndTheLatest() throws Exception {
        dashboard = HttpDashboard.start(HttpDashboard.DEFAULT_HOST, 0, "t1", 10);
        assertTrue(dashboard.port() > 0);
        assertEquals(URI.create("http://127.0.0.1:" + dashboard.port() + "/"), dashboard.url());
        assertEquals("[]", get("api/windows").body());
        assertEquals("null", get("api/latest").body());

        List<WindowResult> fed = List.of(Windows.window(0, 0.5, 0.6, 0), Windows.empty(1, 1),
                Windows.window(2, 0.7, 0.2, 3));
        fed.forEach(dashboard::accept);

        HttpResponse<String> windows = get("api/windows");
        assertEquals(200, windows.statusCode());
        assertTrue(windows.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals(fed, WindowResultJson.fromJsonArray(windows.body()));
        assertEquals(WindowResultJson.toJsonArray(fed), windows.body(), "same objects as the JSONL lines");
        assertEquals(fed.subList(1, 3),
                WindowResultJson.fromJsonArray(get("api/windows?after=" + fed.get(0).start().toEpochMilli()).body()));
        assertEquals(fed.get(2), WindowResultJson.fromJson(get("api/latest").body()));
    }

    @Test
    void historyIsBoundedToTheNewestWindows() throws Exception {
        dashboard = HttpDashboard.start(HttpDashboard.DEFAULT_HOST, 0, "t1", 3);
        for (int i = 0; i < 5; i++) {
            dashboard.accept(Windows.window(i, 0.5, 0.5, 0));
        }
        assertEquals(List.of(Windows.window(2, 0.5, 0.5, 0), Windows.window(3, 0.5, 0.5, 0),
                Windows.window(4, 0.5, 0.5, 0)), WindowResultJson.fromJsonArray(get("api/windows").body()));
        assertEquals(5L, ((Map<?, ?>) Json.read(get("api/status").body())).get("windows_received"));
    }

    @Test
    void statusAndRejectedCounterAreServed() throws Exception {
        dashboard = HttpDashboard.start(HttpDashboard.DEFAULT_HOST, 0, "t7", 10);
        dashboard.setStatus("waiting for RabbitMQ...");
        dashboard.setRejected(4);

        Map<?, ?> status = (Map<?, ?>) Json.read(get("api/status").body());
        assertEquals("t7", status.get("terminal"));
        assertEquals("waiting for RabbitMQ...", status.get("status"));
        assertEquals(4L, status.get("rejected"));
    }

    @Test
    void pageIsSelfContainedAndOtherPathsAndMethodsAreRefused() throws Exception {
        dashboard = HttpDashboard.start(HttpDashboard.DEFAULT_HOST, 0, "<t1>", 10);

        HttpResponse<String> page = get("");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("Meteo terminal <span id=\"terminal\">&lt;t1&gt;</span>"));
        assertTrue(page.body().contains("id=\"chart\" data-window-count=\"0\""));
        assertFalse(page.body().matches("(?s).*(src|href)=\"(https?:)?//.*"), "no external resource");
        assertEquals(404, get("missing").statusCode());
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(dashboard.url().resolve("api/windows"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    void portInUseIsReportedWithWhatToDo() {
        dashboard = HttpDashboard.start(HttpDashboard.DEFAULT_HOST, 0, "t1", 10);
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> HttpDashboard.start(HttpDashboard.DEFAULT_HOST, dashboard.port(), "t2", 10));
        assertTrue(e.getMessage().contains("127.0.0.1:" + dashboard.port()), e.getMessage());
        assertTrue(e.getMessage().contains("0 for any free one"), e.getMessage());
    }

    @Test
    void closingEndsTheServer() throws Exception {
        dashboard = HttpDashboard.start(HttpDashboard.DEFAULT_HOST, 0, "t1", 10);
        URI url = dashboard.url();
        dashboard.close();
        dashboard.close();
        assertThrows(java.io.IOException.class, () -> http.send(HttpRequest.newBuilder(url.resolve("api/latest"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()));
        dashboard.accept(Windows.window(0, 0.5, 0.5, 0));
        assertEquals(List.of(), dashboard.windows(), "a closed dashboard ignores windows");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(dashboard.url().resolve(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
