package dev.meteo.redis;

import dev.meteo.model.Coefficient;
import dev.meteo.model.CoefficientKind;
import dev.meteo.model.RecordId;
import dev.meteo.store.StoreUnavailableException;
import dev.meteo.testing.Closer;
import dev.meteo.testing.RedisProcess;
import dev.meteo.testing.TestCertificates;
import dev.meteo.transport.AccessRefusedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Sentinel and Cluster URIs with credentials, on {@code redis-server}s of the test's own that require a password:
 * the password parsed from a host list is used (a wrong one is refused, with the password masked), TLS
 * ({@code rediss-sentinel://}, {@code rediss-cluster://}) reaches the servers' TLS ports, and a store built while its
 * Sentinels or nodes are down connects once they are up instead of failing when it is built.
 */
class RedisSentinelAndClusterCredentialsTest {

    private static final String PASSWORD = "s3cret-" + UUID.randomUUID();

    @TempDir
    Path dir;

    private final Closer closer = new Closer();

    @AfterEach
    void stop() throws Exception {
        closer.close();
    }

    private RedisMeteoStore store(String uri, Path ca) {
        RedisSettings settings = RedisSettings.of(uri, "meteo-test:" + UUID.randomUUID() + ":")
                .withTimeout(Duration.ofMillis(500)).withTrustedCa(ca);
        return closer.add(new RedisMeteoStore(settings));
    }

    /** A store that works: it stores a coefficient and reads it back. */
    private static void storesAndReadsBack(RedisMeteoStore store) {
        store.storeAll(List.of(new Coefficient(CoefficientKind.WELLNESS, new RecordId("s", 1), Instant.now(), 0.5)));
        assertEquals(1, store.storedCount(CoefficientKind.WELLNESS));
    }

    private static String nodes(List<RedisProcess> cluster, boolean tls) {
        return cluster.stream().map(node -> "127.0.0.1:" + (tls ? node.tlsPort() : node.port()))
                .collect(Collectors.joining(","));
    }

    @Test
    void aSentinelUriWithAPasswordAndSeveralSentinelsUsesThePasswordAndMasksIt() {
        assumeTrue(RedisProcess.available(), "needs redis-server on the PATH to start a primary and Sentinels");
        RedisProcess primary = closer.add(RedisProcess.startSecured(dir, PASSWORD, null, null));
        RedisProcess first = closer.add(RedisProcess.securedSentinel(dir, primary, "meteo", null, null));
        RedisProcess second = closer.add(RedisProcess.securedSentinel(dir, primary, "meteo", null, null));
        String sentinels = "127.0.0.1:" + first.port() + ",127.0.0.1:" + second.port();

        storesAndReadsBack(store("redis-sentinel://:" + PASSWORD + "@" + sentinels + "/meteo", null));

        RedisMeteoStore wrong = store("redis-sentinel://:not-" + PASSWORD + "@" + sentinels + "/meteo", null);
        AccessRefusedException refused = assertThrows(AccessRefusedException.class, wrong::ping);
        assertTrue(refused.getMessage().contains("redis-sentinel://***@" + sentinels + "/meteo"), refused.getMessage());
        assertFalse(refused.getMessage().contains(PASSWORD), refused.getMessage());
    }

    @Test
    void aRedissSentinelUriReachesTheSentinelsAndThePrimaryOverTls() {
        assumeTrue(RedisProcess.available(), "needs redis-server on the PATH (Debian's is built with TLS)");
        TestCertificates pki = TestCertificates.authority(dir, "meteo");
        TestCertificates.Issued certificate = pki.issueForLoopback("redis");
        RedisProcess primary = closer.add(RedisProcess.startSecured(dir, PASSWORD, certificate, pki.ca()));
        RedisProcess sentinel = closer.add(RedisProcess.securedSentinel(dir, primary, "meteo", certificate, pki.ca()));

        RedisMeteoStore store = store("rediss-sentinel://:" + PASSWORD + "@127.0.0.1:" + sentinel.tlsPort() + "/meteo",
                pki.ca());
        storesAndReadsBack(store);
        try (Jedis admin = primary.connect()) {
            String clients = admin.clientList();
            assertTrue(clients.lines().anyMatch(line -> line.contains("laddr=127.0.0.1:" + primary.tlsPort())), clients);
        }
        TestCertificates other = TestCertificates.authority(dir, "other");
        RedisMeteoStore untrusting = store("rediss-sentinel://:" + PASSWORD + "@127.0.0.1:" + sentinel.tlsPort()
                + "/meteo", other.ca());
        StoreUnavailableException refused = assertThrows(StoreUnavailableException.class, untrusting::ping);
        assertFalse(refused.getMessage().contains(PASSWORD), refused.getMessage());
    }

    @Test
    void aClusterUriWithAUserAndPasswordUsesThemAndMasksThem() throws Exception {
        assumeTrue(RedisProcess.available(), "needs redis-server and redis-cli on the PATH to start a cluster");
        List<RedisProcess> cluster = RedisProcess.cluster(dir, 3, PASSWORD, null, null);
        cluster.forEach(closer::add);
        for (RedisProcess node : cluster) {
            try (Jedis jedis = node.connect()) {
                jedis.aclSetUser("meteo", "on", ">" + PASSWORD, "~*", "&*", "+@all");
            }
        }
        storesAndReadsBack(store("redis-cluster://meteo:" + PASSWORD + "@" + nodes(cluster, false), null));

        RedisMeteoStore wrong = store("redis-cluster://meteo:not-" + PASSWORD + "@" + nodes(cluster, false), null);
        RuntimeException refused = assertThrows(RuntimeException.class, wrong::ping);
        assertTrue(refused instanceof AccessRefusedException || refused instanceof StoreUnavailableException,
                refused.toString());
        assertTrue(refused.getMessage().contains("redis-cluster://***@"), refused.getMessage());
        assertFalse(refused.getMessage().contains(PASSWORD), refused.getMessage());
    }

    @Test
    void aRedissClusterUriReachesTheNodesOverTls() throws Exception {
        assumeTrue(RedisProcess.available(), "needs redis-server and redis-cli on the PATH (Debian's have TLS)");
        TestCertificates pki = TestCertificates.authority(dir, "meteo");
        List<RedisProcess> cluster = RedisProcess.cluster(dir, 3, PASSWORD, pki.issueForLoopback("redis"), pki.ca());
        cluster.forEach(closer::add);

        RedisMeteoStore store = store("rediss-cluster://:" + PASSWORD + "@" + nodes(cluster, true), pki.ca());
        storesAndReadsBack(store);
        boolean overTls = false;
        for (RedisProcess node : cluster) {
            try (Jedis admin = node.connect()) {
                overTls |= admin.clientList().contains("laddr=127.0.0.1:" + node.tlsPort());
            }
        }
        assertTrue(overTls, "no client connected to a TLS port");
    }

    @Test
    void aSentinelStoreBuiltWhileTheSentinelsAreDownConnectsOnceTheyAreUp() throws Exception {
        assumeTrue(RedisProcess.available(), "needs redis-server on the PATH to start a primary and a Sentinel");
        RedisProcess primary = closer.add(RedisProcess.startSecured(dir, PASSWORD, null, null));
        RedisProcess sentinel = closer.add(RedisProcess.securedSentinel(dir, primary, "meteo", null, null));
        sentinel.kill();

        // building the store asks nobody (Jedis's own Sentinel pool would throw here: "All sentinels down")
        RedisMeteoStore store = store("redis-sentinel://:" + PASSWORD + "@127.0.0.1:" + sentinel.port() + "/meteo", null);
        StoreUnavailableException down = assertThrows(StoreUnavailableException.class, store::ping);
        assertTrue(down.getMessage().contains("***@127.0.0.1:" + sentinel.port()), down.getMessage());
        assertFalse(down.getMessage().contains(PASSWORD), down.getMessage());

        sentinel.restart();
        await("the store connects once the Sentinel answers").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .untilAsserted(store::ping);
        storesAndReadsBack(store);
    }

    @Test
    void aClusterStoreBuiltWhileTheNodesAreDownConnectsOnceTheyAreUp() throws Exception {
        assumeTrue(RedisProcess.available(), "needs redis-server and redis-cli on the PATH to start a cluster");
        List<RedisProcess> cluster = RedisProcess.cluster(dir, 3, PASSWORD, null, null);
        cluster.forEach(closer::add);
        for (RedisProcess node : cluster) {
            node.kill();
        }

        RedisMeteoStore store = store("redis-cluster://:" + PASSWORD + "@" + nodes(cluster, false), null);
        StoreUnavailableException down = assertThrows(StoreUnavailableException.class, store::ping);
        assertFalse(down.getMessage().contains(PASSWORD), down.getMessage());

        for (RedisProcess node : cluster) {
            node.restart(); // its nodes-<port>.conf brings the cluster back as it was
        }
        await("the store connects once the cluster serves its slots").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .untilAsserted(() -> storesAndReadsBack(store));
    }
}
