package dev.meteo.cli.dashboard;

import dev.meteo.model.WindowResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The HTTP dashboard in a real browser: Debian's headless Chromium loads the page from the dashboard and the test
 * checks that the chart plots the windows that were fed, those fed before loading and those fed after.
 */
class HttpDashboardBrowserTest {

    private static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(30);
    private static final String PLOTTED_STARTS = "Array.from(document.querySelectorAll('#chart g.window'))"
            + ".map(function (g) { return g.getAttribute('data-start'); }).join(',')";

    @TempDir
    Path tmp;
    private HttpDashboard dashboard;

    @BeforeEach
    void requireChromium() {
        assumeTrue(HeadlessChromium.installed(), "needs Debian's chromium package: apt-get install -y chromium");
        dashboard = HttpDashboard.start(HttpDashboard.DEFAULT_HOST, 0, "t1", 100);
        dashboard.setStatus("connected to proxy 127.0.0.1:7100");
    }

    @AfterEach
    void stop() {
        if (dashboard != null) {
            dashboard.close();
        }
    }

    // ignoreExceptions: until the page has loaded, its elements do not exist and evaluating fails.

    @Test
    void loadedPageChartsEveryWindowFedBeforeLoading() throws Exception {
        List<WindowResult> fed = List.of(Windows.window(0, 0.5, 0.6, 0), Windows.empty(1, 1),
                Windows.window(2, 0.7, 0.2, 3));
        fed.forEach(dashboard::accept);

        // Polling mode: an open event stream would keep --dump-dom waiting for the network forever.
        String dom = HeadlessChromium.dumpDom(dashboard.url().resolve("?poll"), tmp.resolve("profile"), 3000);

        assertTrue(dom.contains("data-window-count=\"3\""), dom);
        for (WindowResult window : fed) {
            assertTrue(dom.contains("<g class=\"window\" data-start=\"" + window.start().toEpochMilli() + "\""), dom);
        }
        // Two kinds in windows 0 and 2, none in the empty window 1.
        assertEquals(4, count(dom, "<circle class=\"point "));
        assertTrue(dom.contains("<circle class=\"point wellness\" cx=\""), dom);
        assertTrue(dom.contains("data-start=\"" + fed.get(2).start().toEpochMilli() + "\" data-kind=\"pollution\""
                + " data-mean=\"0.2\""), dom);
        assertTrue(dom.contains("<polygon class=\"band wellness\""), "stddev band drawn: " + dom);
        assertTrue(dom.contains("id=\"status\">connected to proxy 127.0.0.1:7100<"), dom);
        assertTrue(dom.contains("id=\"late\">3<"), dom);
    }

    @Test
    void liveChartAddsWindowsPushedByServerSentEvents() throws Exception {
        WindowResult before = Windows.window(0, 0.5, 0.6, 0);
        dashboard.accept(before);

        try (HeadlessChromium browser = HeadlessChromium.open(dashboard.url(), tmp.resolve("profile"))) {
            await().atMost(BROWSER_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> dashboard.eventClients() == 1);
            await().atMost(BROWSER_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> "1".equals(browser.evaluate("document.getElementById('chart').dataset.windowCount")));

            List<WindowResult> after = List.of(Windows.empty(1, 2), Windows.window(2, 0.3, 0.9, 2));
            after.forEach(dashboard::accept);
            dashboard.setStatus("proxy connection lost, retrying");

            String expected = starts(List.of(before, after.get(0), after.get(1)));
            await().atMost(BROWSER_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> expected.equals(browser.evaluate(PLOTTED_STARTS)));
            assertEquals("3", browser.evaluate("document.getElementById('chart').dataset.windowCount"));
            assertEquals("live", browser.evaluate("document.getElementById('link').textContent"));
            await().atMost(BROWSER_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() ->
                    "proxy connection lost, retrying".equals(browser.evaluate("document.getElementById('status').textContent")));
            assertEquals("0.300", browser.evaluate("document.getElementById('row-wellness').cells[2].textContent"));
        }
    }

    @Test
    void liveWindowsUpdateThroughputAndLagAndTheHealthPanelShowsWhatMeteoStatusReports() throws Exception {
        try (HeadlessChromium browser = HeadlessChromium.open(dashboard.url(), tmp.resolve("profile"))) {
            await().atMost(BROWSER_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> dashboard.eventClients() == 1);
            assertEquals("–", browser.evaluate("document.getElementById('throughput').textContent"));

            // two windows of 5 s arrive live: (10 + 7) + (11 + 7) records in 10 s
            dashboard.accept(Windows.window(0, 0.5, 0.6, 0));
            dashboard.accept(Windows.window(1, 0.6, 0.6, 0));
            await().atMost(BROWSER_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> "2".equals(browser.evaluate("document.getElementById('chart').dataset.windowCount")));
            assertEquals("3.5", browser.evaluate("document.getElementById('throughput').textContent"));
            assertTrue(String.valueOf(browser.evaluate("document.getElementById('lag').textContent")).matches("\\d+\\.\\d"),
                    "window lag in seconds");

            dashboard.setHealth(health(true, List.of()));
            await().atMost(BROWSER_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> "true".equals(browser.evaluate("document.getElementById('health').dataset.healthy")));
            String panel = String.valueOf(browser.evaluate("document.getElementById('health').textContent"));
            assertTrue(panel.contains("healthy") && panel.contains("active proxy proxy-1/1a2b3c4d")
                    && panel.contains("compute servers: 1 live of 2") && panel.contains("server-2 127.0.0.1:7302")
                    && panel.contains("terminals: 1 receiving of 1"), panel);

            dashboard.setHealth(health(false, List.of("no proxy holds the lease: no window closes")));
            await().atMost(BROWSER_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> "false".equals(browser.evaluate("document.getElementById('health').dataset.healthy")));
            panel = String.valueOf(browser.evaluate("document.getElementById('health').textContent"));
            assertTrue(panel.contains("UNHEALTHY") && panel.contains("problem: no proxy holds the lease"), panel);
        }
    }

    /** A report as {@code meteo status --json} gives it. */
    private static java.util.Map<String, Object> health(boolean healthy, List<String> problems) {
        java.util.Map<String, Object> report = new java.util.LinkedHashMap<>();
        report.put("mode", "grpc");
        report.put("healthy", healthy);
        report.put("active_proxy", healthy ? "proxy-1/1a2b3c4d" : null);
        report.put("standby_proxies", List.of());
        report.put("close_lag_ms", 4200);
        report.put("servers", List.of(
                java.util.Map.of("id", "server-1", "address", "127.0.0.1:7301", "live", true, "detail", "12 records sent"),
                java.util.Map.of("id", "server-2", "address", "127.0.0.1:7302", "live", false, "detail", "health UNKNOWN")));
        report.put("terminals", List.of(
                java.util.Map.of("id", "1", "address", "127.0.0.1:7401", "live", true, "detail", "")));
        report.put("queues", List.of());
        report.put("records_per_second", 8.5);
        report.put("problems", problems);
        report.put("notes", List.of());
        return report;
    }

    @Test
    void pollingPageAlsoAddsWindowsFedAfterLoading() throws Exception {
        dashboard.accept(Windows.window(0, 0.5, 0.6, 0));

        try (HeadlessChromium browser = HeadlessChromium.open(dashboard.url().resolve("?poll"), tmp.resolve("profile"))) {
            await().atMost(BROWSER_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> "1".equals(browser.evaluate("document.getElementById('chart').dataset.windowCount")));
            assertEquals(0, dashboard.eventClients());

            dashboard.accept(Windows.window(1, 0.4, 0.5, 0));

            String expected = starts(List.of(Windows.window(0, 0.5, 0.6, 0), Windows.window(1, 0.4, 0.5, 0)));
            await().atMost(BROWSER_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> expected.equals(browser.evaluate(PLOTTED_STARTS)));
            assertTrue(String.valueOf(browser.evaluate("document.getElementById('link').textContent"))
                    .startsWith("polling"));
        }
    }

    private static String starts(List<WindowResult> windows) {
        return windows.stream().map(w -> Long.toString(w.start().toEpochMilli())).collect(Collectors.joining(","));
    }

    private static int count(String text, String part) {
        Matcher matcher = Pattern.compile(Pattern.quote(part)).matcher(text);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }
}
