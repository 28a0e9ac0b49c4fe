package dev.meteo.cli.dashboard;

import dev.meteo.cli.io.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

/**
 * Debian's headless Chromium, for the browser tests: {@link #dumpDom} (the DOM after the page's scripts ran for a
 * few seconds of virtual time) or {@link #open} (a live page, inspected with JavaScript through the DevTools
 * protocol, over the JDK's WebSocket client).
 */
final class HeadlessChromium implements AutoCloseable {

    static final String BINARY = "/usr/bin/chromium";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<Map<?, ?>>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    private HeadlessChromium(Process process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    static boolean installed() {
        return Files.isExecutable(Path.of(BINARY));
    }

    /** Loads the page and returns its DOM once its scripts ran for {@code virtualMillis} of virtual time. */
    static String dumpDom(URI page, Path profile, int virtualMillis) throws Exception {
        List<String> command = command(profile);
        command.addAll(List.of("--virtual-time-budget=" + virtualMillis, "--dump-dom", page.toString()));
        Process process = new ProcessBuilder(command)
                .redirectError(profile.resolveSibling(profile.getFileName() + ".log").toFile()).start();
        try {
            process.getOutputStream().close();
            CompletableFuture<byte[]> dom = CompletableFuture.supplyAsync(() -> {
                try {
                    return process.getInputStream().readAllBytes();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("chromium --dump-dom " + page + " did not finish within 60 s");
            }
            return new String(dom.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        } finally {
            destroy(process);
        }
    }

    /** Starts Chromium on the page with the DevTools protocol on a free port, and connects to the page. */
    static HeadlessChromium open(URI page, Path profile) throws Exception {
        List<String> command = command(profile);
        command.addAll(List.of("--remote-debugging-port=0", "--remote-allow-origins=*", page.toString()));
        Process process = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(profile.resolveSibling(profile.getFileName() + ".log").toFile()).start();
        try {
            // Chromium writes the port it chose, then the browser's path, into this file.
            Path portFile = profile.resolve("DevToolsActivePort");
            await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2);
            int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String[] debuggerUrl = new String[1];
            await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
                String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
                for (Object target : (List<?>) Json.read(list)) {
                    Map<?, ?> t = (Map<?, ?>) target;
                    if ("page".equals(t.get("type")) && String.valueOf(t.get("url")).startsWith(page.toString())) {
                        debuggerUrl[0] = (String) t.get("webSocketDebuggerUrl");
                        return true;
                    }
                }
                return false;
            });
            HeadlessChromium[] self = new HeadlessChromium[1];
            WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create(debuggerUrl[0]), new WebSocket.Listener() {
                        private final StringBuilder message = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            message.append(data);
                            if (last) {
                                self[0].received(message.toString());
                                message.setLength(0);
                            }
                            webSocket.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            self[0] = new HeadlessChromium(process, socket);
            return self[0];
        } catch (Exception | Error e) {
            destroy(process);
            throw e;
        }
    }

    /** The value of a JavaScript expression evaluated in the page (strings, numbers, booleans, null). */
    Object evaluate(String expression) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<Map<?, ?>> reply = new CompletableFuture<>();
        pending.put(id, reply);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("expression", expression);
        params.put("returnByValue", true);
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("id", id);
        call.put("method", "Runtime.evaluate");
        call.put("params", params);
        socket.sendText(Json.write(call), true).get(10, TimeUnit.SECONDS);
        Map<?, ?> response = reply.get(10, TimeUnit.SECONDS);
        Map<?, ?> result = (Map<?, ?>) response.get("result");
        if (result == null || result.containsKey("exceptionDetails")) {
            throw new AssertionError("evaluating " + expression + " failed: " + response);
        }
        return ((Map<?, ?>) result.get("result")).get("value");
    }

    private void received(String text) {
        Map<?, ?> message = (Map<?, ?>) Json.read(text);
        if (message.get("id") instanceof Long id) {
            CompletableFuture<Map<?, ?>> reply = pending.remove(id.intValue());
            if (reply != null) {
                reply.complete(message);
            }
        }
    }

    @Override
    public void close() {
        socket.abort();
        destroy(process);
    }

    private static List<String> command(Path profile) {
        return new ArrayList<>(List.of(BINARY, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile));
    }

    /** Ends Chromium and its helper processes, waiting a bounded time. */
    private static void destroy(Process process) {
        List<ProcessHandle> helpers = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        helpers.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
