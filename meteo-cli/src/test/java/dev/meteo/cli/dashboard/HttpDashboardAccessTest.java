package dev.meteo.cli.dashboard;

import dev.meteo.internal.PemTls;
import dev.meteo.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may read a terminal's dashboard: anyone on the machine when it is on loopback (as before); off loopback only a
 * request carrying its token, and without a token it does not start. With TLS, over HTTPS. Requests go to 127.0.0.1,
 * which a wildcard bind also serves.
 */
class HttpDashboardAccessTest {

    private static final String TOKEN = "s3cret-token";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private HttpDashboard dashboard;

    @AfterEach
    void stop() {
        if (dashboard != null) {
            dashboard.close();
        }
    }

    private HttpResponse<String> get(HttpClient client, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(dashboard.url().toString()
                .replace("0.0.0.0", "127.0.0.1") + path)).timeout(Duration.ofSeconds(5));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void offLoopbackTheDashboardDoesNotStartWithoutAToken() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> HttpDashboard.start("0.0.0.0", 0, "t1", 10, null, null));
        assertTrue(refused.getMessage().contains("--http-token"), refused.getMessage());
    }

    @Test
    void onLoopbackItNeedsNoToken() throws Exception {
        dashboard = HttpDashboard.start(HttpDashboard.DEFAULT_HOST, 0, "t1", 10, null, null);
        assertEquals(200, get(http, "api/status").statusCode());
    }

    @Test
    void withATokenARequestWithoutItIsRefusedAndOneWithItServed() throws Exception {
        dashboard = HttpDashboard.start("0.0.0.0", 0, "t1", 10, TOKEN, null);
        assertEquals(401, get(http, "api/status").statusCode());
        assertEquals(401, get(http, "events").statusCode());
        assertEquals(401, get(http, "api/status", "Authorization", "Bearer not-it").statusCode());
        assertEquals(401, get(http, "api/status?token=not-it").statusCode());
        assertEquals(200, get(http, "api/status", "Authorization", "Bearer " + TOKEN).statusCode());
        assertEquals(200, get(http, "api/windows?token=" + TOKEN).statusCode());
    }

    @Test
    void aBrowserGivesTheTokenOnceAndTheCookieCarriesItWithoutTheTokenInTheAddress() throws Exception {
        dashboard = HttpDashboard.start("0.0.0.0", 0, "t1", 10, TOKEN, null);
        HttpResponse<String> first = get(http, "?token=" + TOKEN);
        assertEquals(303, first.statusCode());
        assertEquals("/", first.headers().firstValue("Location").orElse(null));
        String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);

        String sent = cookie.substring(0, cookie.indexOf(';'));
        HttpResponse<String> page = get(http, "", "Cookie", sent);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<html"), page.body());
        assertEquals(200, get(http, "api/windows", "Cookie", sent).statusCode());
    }

    @Test
    void withTlsItServesHttpsThatAClientTrustingTheCaReads() throws Exception {
        TestCertificates pki = TestCertificates.authority(dir, "meteo");
        TestCertificates.Issued terminal = pki.issueForLoopback("terminal");
        dashboard = HttpDashboard.start("127.0.0.1", 0, "t1", 10, TOKEN,
                PemTls.context(terminal.certificate(), terminal.key(), null));
        assertEquals("https", dashboard.url().getScheme());

        HttpClient trusting = HttpClient.newBuilder().sslContext(PemTls.clientContext(pki.ca()))
                .connectTimeout(Duration.ofSeconds(5)).build();
        assertEquals(200, get(trusting, "api/status", "Authorization", "Bearer " + TOKEN).statusCode());
        HttpResponse<String> cookie = get(trusting, "?token=" + TOKEN);
        assertTrue(cookie.headers().firstValue("Set-Cookie").orElse("").contains("Secure"), cookie.headers().toString());

        HttpClient distrustful = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        IOException refused = assertThrows(IOException.class, () -> get(distrustful, "api/status"));
        assertTrue(refused instanceof SSLHandshakeException || refused.getCause() instanceof SSLHandshakeException,
                refused.toString());
    }
}
