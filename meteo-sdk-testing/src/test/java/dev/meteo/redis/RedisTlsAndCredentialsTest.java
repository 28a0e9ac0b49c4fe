package dev.meteo.redis;

import dev.meteo.store.StoreUnavailableException;
import dev.meteo.testing.RedisProcess;
import dev.meteo.testing.SecuredRedis;
import dev.meteo.testing.TestCertificates;
import dev.meteo.transport.AccessRefusedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code rediss://} really is TLS with the CA given (the server's certificate checked against it, and its host
 * name), and a refused login or permission is final, with a message that names the user and says what to do. On a
 * {@code redis-server} of the test's own with a TLS port, an ACL user and a CA made at test time.
 */
class RedisTlsAndCredentialsTest {

    @TempDir
    static Path dir;

    private static TestCertificates pki;
    private static SecuredRedis redis;

    @BeforeAll
    static void startRedis() {
        assumeTrue(RedisProcess.available(), "needs redis-server on the PATH (Debian's is built with TLS)");
        pki = TestCertificates.authority(dir, "meteo");
        redis = SecuredRedis.start(dir, pki);
        try (Jedis jedis = redis.process().connect()) { // a user that may ping and nothing else, for NOPERM
            jedis.aclSetUser("pinger", "on", ">pinger-password", "~*", "+ping");
        }
    }

    @AfterAll
    static void stopRedis() throws InterruptedException {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aStoreOverRedissWithTheCaAndTheAclUserWorks() {
        try (RedisMeteoStore store = redis.freshStore(); Jedis admin = redis.process().connect()) {
            assertEquals(0, store.rejectedCount());
            // the pool's idle connection is the ACL user's, on the TLS port
            String clients = admin.clientList();
            assertTrue(clients.lines().anyMatch(line -> line.contains("laddr=127.0.0.1:" + redis.process().tlsPort())
                    && line.contains("user=" + SecuredRedis.USER)), clients);
            store.deleteAll();
        }
    }

    @Test
    void aServerWhoseCertificateAnotherCaSignedIsRefused() {
        TestCertificates other = TestCertificates.authority(dir, "other");
        try (RedisMeteoStore store = new RedisMeteoStore(redis.settings().withTrustedCa(other.ca()))) {
            StoreUnavailableException refused = assertThrows(StoreUnavailableException.class, store::ping);
            assertTrue(causes(refused).contains("javax.net.ssl.SSLHandshakeException"), causes(refused).toString());
        }
    }

    @Test
    void withoutTheCaTheJvmTrustStoreRefusesTheTestCertificate() {
        try (RedisMeteoStore store = new RedisMeteoStore(redis.settings().withTrustedCa(null))) {
            assertThrows(StoreUnavailableException.class, store::ping);
        }
    }

    @Test
    void aServerReachedAtAHostItsCertificateDoesNotNameIsRefused() throws Exception {
        // 127.0.0.2 is this machine's loopback too, but the certificate names 127.0.0.1 and localhost only
        try (RedisProcess second = RedisProcess.startWithTls(dir, pki.issueForLoopback("redis-2"), pki.ca(),
                "--bind", "127.0.0.1 127.0.0.2")) {
            RedisSettings elsewhere = RedisSettings.of("rediss://127.0.0.2:" + second.tlsPort() + "/0", "meteo-test:")
                    .withTrustedCa(pki.ca());
            try (RedisMeteoStore store = new RedisMeteoStore(elsewhere)) {
                StoreUnavailableException refused = assertThrows(StoreUnavailableException.class, store::ping);
                assertTrue(causes(refused).contains("javax.net.ssl.SSLHandshakeException"), causes(refused).toString());
            }
            RedisSettings named = RedisSettings.of("rediss://127.0.0.1:" + second.tlsPort() + "/0", "meteo-test:")
                    .withTrustedCa(pki.ca());
            try (RedisMeteoStore store = new RedisMeteoStore(named)) {
                store.ping(); // the same server at a name its certificate has
            }
        }
    }

    @Test
    void aWrongPasswordIsRefusedOnceWithTheUserNamedAndThePasswordHidden() {
        String uri = redis.uri().replaceFirst(":[^:@/]+@", ":not-the-password@");
        try (RedisMeteoStore store = new RedisMeteoStore(RedisSettings.of(uri, "meteo-test:").withTrustedCa(pki.ca()))) {
            AccessRefusedException refused = assertThrows(AccessRefusedException.class, store::ping);
            assertTrue(refused.getMessage().contains("refused user 'meteo'"), refused.getMessage());
            assertTrue(refused.getMessage().contains("WRONGPASS"), refused.getMessage());
            assertTrue(refused.getMessage().contains("127.0.0.1:" + redis.process().tlsPort()), refused.getMessage());
            assertFalse(refused.getMessage().contains("not-the-password"), refused.getMessage());
        }
    }

    @Test
    void aUserWithoutAPermissionIsRefusedWithWhatToGrant() {
        String uri = "rediss://pinger:pinger-password@127.0.0.1:" + redis.process().tlsPort() + "/0";
        try (RedisMeteoStore store = new RedisMeteoStore(RedisSettings.of(uri, "meteo-test:").withTrustedCa(pki.ca()))) {
            store.ping();
            AccessRefusedException refused = assertThrows(AccessRefusedException.class, store::rejectedCount);
            assertTrue(refused.getMessage().contains("NOPERM"), refused.getMessage());
            assertTrue(refused.getMessage().contains("ACL SETUSER pinger ~meteo-test:* +@all"), refused.getMessage());
        }
    }

    @Test
    void aRedisThatRequiresAPasswordRefusesAClientWithoutOne() throws Exception {
        try (RedisProcess guarded = RedisProcess.start(dir)) {
            try (Jedis jedis = guarded.connect()) {
                jedis.configSet("requirepass", "only-for-this-test");
            }
            try (RedisMeteoStore store = new RedisMeteoStore(RedisSettings.of(guarded.uri(), "meteo-test:"))) {
                AccessRefusedException refused = assertThrows(AccessRefusedException.class, store::ping);
                assertTrue(refused.getMessage().contains("NOAUTH"), refused.getMessage());
                assertTrue(refused.getMessage().contains("give it in the URI"), refused.getMessage());
            }
        }
    }

    private static List<String> causes(Throwable error) {
        List<String> names = new java.util.ArrayList<>();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            names.add(cause.getClass().getName());
        }
        return names;
    }
}
