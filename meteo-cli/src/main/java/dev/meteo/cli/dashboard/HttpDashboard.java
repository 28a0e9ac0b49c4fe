package dev.meteo.cli.dashboard;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.meteo.cli.io.Json;
import dev.meteo.cli.io.WindowResultJson;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.model.WindowResult;
import dev.meteo.terminal.TerminalSink;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;

/**
 * The browser dashboard of a terminal, served by the JDK's HTTP server: {@code /} a self-contained page (no CDN) with a
 * live chart of both means and their ±stddev bands, updated by Server-Sent Events ({@code /events}; the page falls
 * back to polling); {@code /api/windows} every window kept, as a JSON array of {@link WindowResultJson} objects
 * ({@code ?after=<start ms>} for the newer ones only); {@code /api/latest} the latest window or {@code null};
 * {@code /api/status} the terminal id, status line, rejected count and windows received; {@code /api/health} the
 * deployment's health as {@code meteo status --json} reports it ({@code null} until {@link #setHealth} is called;
 * pushed as the event {@code health}). Keeps the last
 * {@code capacity} windows in memory. Thread-safe; a slow browser never delays {@link #accept}.
 *
 * <p>Access: on a loopback address anyone on the machine may read it, as before. Bound to any other address it needs
 * a token (it refuses to start without one): a request carries it as {@code Authorization: Bearer TOKEN}, as the
 * cookie this server sets, or once in the address ({@code /?token=TOKEN}, which sets the cookie, so that the page's
 * own requests and its event stream carry it); any other request gets 401. Given a TLS context it serves HTTPS.
 */
public final class HttpDashboard implements TerminalSink {

    /** Loopback only by default: there the dashboard needs no token. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The cookie that carries the token once a browser gave it in the address. */
    static final String TOKEN_COOKIE = "meteo_token";
    public static final int DEFAULT_CAPACITY = 1000;

    private static final Logger LOG = Logger.getLogger(HttpDashboard.class.getName());
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    /** Events waiting for one browser; a browser that falls this far behind is disconnected (it reconnects). */
    private static final int CLIENT_BACKLOG = 1000;
    /** Tells an event stream to end; compared by identity. */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String CLOSE = new String("close");

    private final HttpServer server;
    private final boolean https;
    private final ExecutorService executor;
    private final String terminalId;
    private final int capacity;
    private final byte[] page;
    private final ArrayDeque<WindowResult> history = new ArrayDeque<>();
    private final Set<BlockingQueue<String>> clients = ConcurrentHashMap.newKeySet();
    private long windowsReceived;
    private String status = "starting";
    private long rejected = -1;
    private String health = "null";
    private boolean closed;

    private HttpDashboard(HttpServer server, ExecutorService executor, String terminalId, int capacity, String token) {
        this.server = server;
        this.https = server instanceof HttpsServer;
        this.executor = executor;
        this.terminalId = terminalId;
        this.capacity = capacity;
        this.page = loadPage(terminalId);
        List<HttpContext> contexts = List.of(
                server.createContext("/", this::servePage),
                server.createContext("/events", this::serveEvents),
                server.createContext("/api/windows", exchange -> serveJson(exchange, windowsJson(exchange))),
                server.createContext("/api/latest", exchange -> serveJson(exchange, latestJson())),
                server.createContext("/api/status", exchange -> serveJson(exchange, statusJson())),
                server.createContext("/api/health", exchange -> serveJson(exchange, healthJson())));
        if (token != null) {
            TokenCheck check = new TokenCheck(token, https);
            contexts.forEach(context -> context.getFilters().add(check));
        }
        server.setExecutor(executor);
        server.start();
    }

    /** {@link #start(String, int, String, int, String, SSLContext)} for terminal {@code terminal}, default capacity. */
    public static HttpDashboard start(String host, int port) {
        return start(host, port, "terminal", DEFAULT_CAPACITY);
    }

    /**
     * Starts serving the dashboard over HTTP, without a token: on a loopback address only.
     *
     * @see #start(String, int, String, int, String, SSLContext)
     */
    public static HttpDashboard start(String host, int port, String terminalId, int capacity) {
        return start(host, port, terminalId, capacity, null, null);
    }

    /**
     * Starts serving the dashboard.
     *
     * @param host       the address to bind, {@link #DEFAULT_HOST} unless it must be reachable from elsewhere
     * @param port       the port, 0 for any free one (see {@link #port()})
     * @param terminalId shown in the page's title
     * @param capacity   windows kept in memory and served, at least 1
     * @param token      what every request must carry, or {@code null}: only allowed on a loopback address
     * @param tls        serves HTTPS with this context, or {@code null} for HTTP
     * @throws UncheckedIOException     if the address cannot be bound (port taken, unknown host)
     * @throws IllegalArgumentException if {@code host} is not a loopback address and there is no token
     */
    public static HttpDashboard start(String host, int port, String terminalId, int capacity, String token,
                                      SSLContext tls) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(terminalId, "terminalId");
        if (capacity < 1) {
            throw new IllegalArgumentException("the HTTP dashboard keeps at least one window, got capacity " + capacity);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("HTTP dashboard port must be 0..65535, got " + port);
        }
        if (token != null && token.isBlank()) {
            throw new IllegalArgumentException("the HTTP dashboard's token must not be blank");
        }
        if (token == null && !isLoopback(host)) {
            throw new IllegalArgumentException("the HTTP dashboard on " + host + " would be open to the network "
                    + "without a token: give one with --http-token (or METEO_HTTP_TOKEN), or keep it on 127.0.0.1");
        }
        HttpServer server;
        try {
            InetSocketAddress address = new InetSocketAddress(host, port);
            if (tls == null) {
                server = HttpServer.create(address, 0);
            } else {
                HttpsServer secured = HttpsServer.create(address, 0);
                secured.setHttpsConfigurator(new HttpsConfigurator(tls));
                server = secured;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the HTTP dashboard on " + host + ":" + port + " ("
                    + e.getMessage() + "); choose another port, or 0 for any free one", e);
        }
        // One thread per open event stream plus short requests; daemon threads never keep the JVM alive.
        ExecutorService executor = Executors.newCachedThreadPool(new DaemonThreadFactory("http-dashboard"));
        return new HttpDashboard(server, executor, terminalId, capacity, token);
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false; // the bind fails with its own message
        }
    }

    /** The port actually bound (useful when started with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8080/} ({@code https://} with TLS). */
    public URI url() {
        String host = server.getAddress().getHostString();
        return URI.create((https ? "https" : "http") + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/");
    }

    /** Browsers currently connected to the live event stream. */
    public int eventClients() {
        return clients.size();
    }

    /** Sets the status line shown in the page, e.g. {@code connected to proxy 127.0.0.1:7100}. */
    public void setStatus(String newStatus) {
        Objects.requireNonNull(newStatus, "status");
        synchronized (this) {
            status = newStatus;
        }
        broadcast("event: status\ndata: " + statusJson() + "\n\n");
    }

    /** Sets the count of records rejected as invalid, shown in the page. */
    public void setRejected(long newRejected) {
        synchronized (this) {
            rejected = newRejected;
        }
        broadcast("event: status\ndata: " + statusJson() + "\n\n");
    }

    /**
     * Sets the deployment's health shown in the page's processes panel: the map of
     * {@code dev.meteo.cli.status.DeploymentStatus#toMap()}, the same data as {@code meteo status}.
     */
    public void setHealth(Map<String, Object> status) {
        String json = Json.write(status);
        synchronized (this) {
            health = json;
        }
        broadcast("event: health\ndata: " + json + "\n\n");
    }

    private synchronized String healthJson() {
        return health;
    }

    @Override
    public void accept(WindowResult result) {
        String event;
        synchronized (this) {
            if (closed) {
                return;
            }
            history.addLast(result);
            while (history.size() > capacity) {
                history.removeFirst();
            }
            windowsReceived++;
            event = windowEvent(result);
            // Under the lock, so a browser connecting now gets each window exactly once (backlog or live).
            broadcast(event);
        }
    }

    /** A copy of the windows kept, oldest first. */
    public synchronized List<WindowResult> windows() {
        return List.copyOf(history);
    }

    /** Ends the event streams and stops the server; waits at most two seconds for its threads. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            broadcast(CLOSE);
        }
        // Event streams end on CLOSE and API requests are short; waiting (stop(1)) would also wait for idle
        // keep-alive connections, a full second at every stop.
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void broadcast(String event) {
        for (BlockingQueue<String> client : clients) {
            if (!client.offer(event)) {
                // Too far behind: drop it; its EventSource reconnects with Last-Event-ID and catches up.
                clients.remove(client);
                client.clear();
                client.offer(CLOSE);
            }
        }
    }

    private void servePage(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!allowGet(exchange)) {
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (!path.equals("/") && !path.equals("/index.html")) {
                send(exchange, 404, "text/plain; charset=utf-8", ("not found: " + path + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            send(exchange, 200, "text/html; charset=utf-8", page);
        }
    }

    private void serveJson(HttpExchange exchange, String json) throws IOException {
        try (exchange) {
            if (allowGet(exchange)) {
                send(exchange, 200, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private void serveEvents(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!allowGet(exchange)) {
                return;
            }
            long after = Math.max(afterParameter(exchange),
                    parseLong(exchange.getRequestHeaders().getFirst("Last-Event-ID"), Long.MIN_VALUE));
            Headers headers = exchange.getResponseHeaders();
            headers.set("Content-Type", "text/event-stream; charset=utf-8");
            headers.set("Cache-Control", "no-cache");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            BlockingQueue<String> queue = new LinkedBlockingQueue<>(CLIENT_BACKLOG + 1);
            StringBuilder backlog = new StringBuilder("retry: 2000\n\n");
            synchronized (this) {
                if (closed) {
                    return;
                }
                backlog.append("event: status\ndata: ").append(statusJson()).append("\n\n");
                if (!health.equals("null")) {
                    backlog.append("event: health\ndata: ").append(health).append("\n\n");
                }
                for (WindowResult result : history) {
                    if (result.start().toEpochMilli() > after) {
                        backlog.append(windowEvent(result));
                    }
                }
                clients.add(queue);
            }
            try {
                write(out, backlog.toString());
                while (true) {
                    String event = queue.poll(KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
                    if (event == CLOSE) {
                        return;
                    }
                    // A comment line when idle: keeps proxies from timing out and finds browsers that went away.
                    write(out, event == null ? ": keep-alive\n\n" : event);
                }
            } catch (IOException e) {
                LOG.log(Level.FINE, "event stream client went away", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                clients.remove(queue);
            }
        }
    }

    private static void write(OutputStream out, String event) throws IOException {
        out.write(event.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String windowEvent(WindowResult result) {
        return "id: " + result.start().toEpochMilli() + "\ndata: " + WindowResultJson.toJson(result) + "\n\n";
    }

    private String windowsJson(HttpExchange exchange) {
        long after = afterParameter(exchange);
        List<WindowResult> newer = new ArrayList<>();
        for (WindowResult result : windows()) {
            if (result.start().toEpochMilli() > after) {
                newer.add(result);
            }
        }
        return WindowResultJson.toJsonArray(newer);
    }

    private synchronized String latestJson() {
        return history.isEmpty() ? "null" : WindowResultJson.toJson(history.getLast());
    }

    private synchronized String statusJson() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("terminal", terminalId);
        fields.put("status", status);
        fields.put("rejected", rejected);
        fields.put("windows_received", windowsReceived);
        return Json.write(fields);
    }

    private static long afterParameter(HttpExchange exchange) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return Long.MIN_VALUE;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("after=")) {
                return parseLong(pair.substring("after=".length()), Long.MIN_VALUE);
            }
        }
        return Long.MIN_VALUE;
    }

    private static long parseLong(String text, long otherwise) {
        if (text == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static boolean allowGet(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, "text/plain; charset=utf-8", "only GET and HEAD\n".getBytes(StandardCharsets.UTF_8));
        return false;
    }

    private static void send(HttpExchange exchange, int code, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(code, -1);
            return;
        }
        exchange.sendResponseHeaders(code, body.length);
        exchange.getResponseBody().write(body);
    }

    private static byte[] loadPage(String terminalId) {
        try (InputStream in = HttpDashboard.class.getResourceAsStream("dashboard.html")) {
            if (in == null) {
                throw new IllegalStateException("dashboard.html is missing from the launcher's jar: rebuild it");
            }
            String html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return html.replace("__TERMINAL_ID__", escapeHtml(terminalId)).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dashboard page from the launcher's jar", e);
        }
    }

    private static String escapeHtml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /**
     * Lets a request through when it carries the token (header, cookie, or {@code ?token=} which then sets the
     * cookie); answers 401 otherwise. Compared in constant time, so the answer's timing does not leak the token.
     */
    private static final class TokenCheck extends Filter {
        private final byte[] token;
        private final String cookie;

        TokenCheck(String token, boolean https) {
            this.token = token.getBytes(StandardCharsets.UTF_8);
            this.cookie = TOKEN_COOKIE + "=" + URLEncoder.encode(token, StandardCharsets.UTF_8)
                    + "; Path=/; HttpOnly; SameSite=Strict" + (https ? "; Secure" : "");
        }

        @Override
        public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
            String fromQuery = queryToken(exchange);
            if (fromQuery != null && matches(fromQuery)) {
                exchange.getResponseHeaders().add("Set-Cookie", cookie);
                String path = exchange.getRequestURI().getPath();
                if (path.equals("/") || path.equals("/index.html")) {
                    // the page again without the token in its address (history, bookmarks); the cookie carries it
                    try (exchange) {
                        exchange.getResponseHeaders().set("Location", "/");
                        exchange.sendResponseHeaders(303, -1);
                    }
                    return;
                }
                chain.doFilter(exchange);
                return;
            }
            String header = exchange.getRequestHeaders().getFirst("Authorization");
            if ((header != null && header.startsWith("Bearer ") && matches(header.substring(7).strip()))
                    || matches(cookieToken(exchange))) {
                chain.doFilter(exchange);
                return;
            }
            try (exchange) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"meteo\"");
                send(exchange, 401, "text/plain; charset=utf-8", ("this dashboard needs its token: open /?token=TOKEN "
                        + "or send Authorization: Bearer TOKEN\n").getBytes(StandardCharsets.UTF_8));
            }
        }

        private boolean matches(String candidate) {
            return candidate != null && MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
        }

        private static String queryToken(HttpExchange exchange) {
            String query = exchange.getRequestURI().getRawQuery();
            if (query != null) {
                for (String pair : query.split("&")) {
                    if (pair.startsWith("token=")) {
                        return URLDecoder.decode(pair.substring("token=".length()), StandardCharsets.UTF_8);
                    }
                }
            }
            return null;
        }

        private static String cookieToken(HttpExchange exchange) {
            for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", List.of())) {
                for (String pair : header.split(";")) {
                    String trimmed = pair.strip();
                    if (trimmed.startsWith(TOKEN_COOKIE + "=")) {
                        return URLDecoder.decode(trimmed.substring(TOKEN_COOKIE.length() + 1), StandardCharsets.UTF_8);
                    }
                }
            }
            return null;
        }

        @Override
        public String description() {
            return "token check";
        }
    }

    @Override
    public String toString() {
        return "HttpDashboard[" + url() + "]";
    }
}
