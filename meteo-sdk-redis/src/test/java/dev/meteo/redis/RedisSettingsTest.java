package dev.meteo.redis;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis URIs with a host list, which {@link java.net.URI} cannot parse: the credentials, hosts, primary name and
 * database are read by hand, and the password never appears in what the settings print or throw.
 */
class RedisSettingsTest {

    @Test
    void aSentinelUriWithAHostListGivesItsPasswordHostsPrimaryAndDatabase() {
        RedisSettings settings = RedisSettings.of("redis-sentinel://:s3cret@h1:26379,h2:26380/mymaster/2", "p:");
        assertEquals(RedisSettings.Deployment.SENTINEL, settings.deployment());
        assertNull(settings.user());
        assertEquals("s3cret", settings.password());
        assertEquals(List.of("h1:26379", "h2:26380"), settings.hosts());
        assertEquals("mymaster", settings.masterName());
        assertEquals(2, settings.database());
        assertFalse(settings.tls());
    }

    @Test
    void aClusterUriWithAUserAndHostsWithoutPortsGetsTheDefaultPort() {
        RedisSettings settings = RedisSettings.of("redis-cluster://meteo:s3cret@h1,h2,h3", "p:");
        assertEquals(RedisSettings.Deployment.CLUSTER, settings.deployment());
        assertEquals("meteo", settings.user());
        assertEquals("s3cret", settings.password());
        assertEquals(List.of("h1:6379", "h2:6379", "h3:6379"), settings.hosts());
        assertEquals("{p:}", settings.effectivePrefix());
    }

    @Test
    void aSentinelHostWithoutPortGetsTheSentinelPort() {
        assertEquals(List.of("h1:26379", "h2:26379"), RedisSettings.of("redis-sentinel://h1,h2/m", "p:").hosts());
        assertEquals(List.of("[::1]:26379"), RedisSettings.of("redis-sentinel://[::1]/m", "p:").hosts());
    }

    @Test
    void rediSsSchemesTurnTlsOnForSentinelAndCluster() {
        assertTrue(RedisSettings.of("rediss-sentinel://:pw@h1:26379/m", "p:").tls());
        assertEquals(RedisSettings.Deployment.SENTINEL, RedisSettings.of("rediss-sentinel://:pw@h1:26379/m", "p:").deployment());
        assertTrue(RedisSettings.of("rediss-cluster://h1:7000,h2:7001", "p:").tls());
        assertEquals(RedisSettings.Deployment.CLUSTER, RedisSettings.of("rediss-cluster://h1:7000", "p:").deployment());
        assertTrue(RedisSettings.of("rediss://h1:6380/0", "p:").tls());
        assertFalse(RedisSettings.of("redis-cluster://h1:7000", "p:").tls());
    }

    @Test
    void aPasswordMayHoldSlashesAtSignsAndEscapes() {
        RedisSettings raw = RedisSettings.of("redis-sentinel://:a/b@c,d@h1:26379,h2:26379/m", "p:");
        assertEquals("a/b@c,d", raw.password());
        assertEquals(List.of("h1:26379", "h2:26379"), raw.hosts());
        assertEquals("p@ss w%rd", RedisSettings.of("redis-cluster://u:p%40ss%20w%25rd@h1:7000", "p:").password());
        assertEquals("one/two", RedisSettings.of("redis://:one/two@127.0.0.1:6379/3", "p:").password());
        assertEquals(3, RedisSettings.of("redis://:one/two@127.0.0.1:6379/3", "p:").database());
        assertEquals("only-a-password", RedisSettings.of("redis://only-a-password@h:6379/0", "p:").password());
    }

    @Test
    void thePasswordIsMaskedInTheRedactedUriAndInToString() {
        for (String uri : List.of("redis-sentinel://:s3cret@h1:26379,h2:26379/master",
                "redis-cluster://user:s3cret@h1,h2,h3", "rediss-sentinel://user:s3cret@h1:26379/master",
                "redis://:s3cret@h:6379/0", "redis-sentinel://:s3/cr@et@h1:26379,h2:26379/master")) {
            RedisSettings settings = RedisSettings.of(uri, "p:");
            assertFalse(settings.redactedUri().contains("s3"), settings.redactedUri());
            assertTrue(settings.redactedUri().contains("***@h"), settings.redactedUri());
            assertFalse(settings.toString().contains("s3"), settings.toString());
        }
        assertEquals("redis-sentinel://***@h1:26379,h2:26379/master",
                RedisSettings.of("redis-sentinel://:s3cret@h1:26379,h2:26379/master", "p:").redactedUri());
    }

    @Test
    void aUriThatIsRefusedIsQuotedWithItsPasswordMasked() {
        for (String uri : List.of("http://:s3cret@h:6379", "redis-sentinel://:s3cret@h1:26379,h2:26379",
                "redis://:s3 cret@h:6379/0", "redis-cluster://:s3cret@h1:notaport", "redis://:s3cret@h1:1,h2:2/0",
                "redis-cluster://:s3%zzcret@h1:7000")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> RedisSettings.of(uri, "p:"), uri);
            assertFalse(refused.getMessage().contains("s3"), refused.getMessage());
        }
    }
}
