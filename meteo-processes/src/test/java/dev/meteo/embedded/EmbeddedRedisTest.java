package dev.meteo.embedded;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EmbeddedRedisTest {

    @Test
    void answersPingAndKeepsAKeyOnLoopback() throws Exception {
        try (EmbeddedRedis redis = new EmbeddedRedis()) {
            URI uri = redis.start();

            assertEquals("redis://127.0.0.1:" + redis.port() + "/0", uri.toString());
            try (Jedis jedis = new Jedis(uri, 2_000)) {
                assertEquals("PONG", jedis.ping());
                jedis.set("meteo:embedded-test", "42");
                assertEquals("42", jedis.get("meteo:embedded-test"));
                assertEquals("", jedis.configGet("save").get("save"), "no snapshots");
                assertEquals("yes", jedis.configGet("appendonly").get("appendonly"), "acknowledged writes survive a restart");
                assertEquals("everysec", jedis.configGet("appendfsync").get("appendfsync"));
                assertEquals("127.0.0.1", jedis.configGet("bind").get("bind"));
            }
        }
    }

    @Test
    void closeStopsTheServerAndDeletesItsFolder() throws Exception {
        EmbeddedRedis redis = new EmbeddedRedis();
        URI uri = redis.start();
        Path folder;
        try (Jedis jedis = new Jedis(uri, 2_000)) {
            folder = Path.of(jedis.configGet("dir").get("dir"));
        }

        redis.close();

        assertEquals(false, Files.exists(folder), folder + " is left behind");
        assertThrows(JedisConnectionException.class, () -> {
            try (Jedis jedis = new Jedis(uri, 500)) {
                jedis.ping();
            }
        });
        redis.close(); // idempotent
    }
}
