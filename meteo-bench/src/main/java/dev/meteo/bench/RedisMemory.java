package dev.meteo.bench;

import dev.meteo.redis.RedisSettings;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What Redis holds during a run: {@code used_memory} of the whole server (shared: other users count in it) and the
 * bytes of this run's own keys ({@code MEMORY USAGE <key> SAMPLES 0}, every element counted, over the keys under the
 * run's prefix).
 */
final class RedisMemory {

    private RedisMemory() {
    }

    /** {"used_memory_mb" (the server's), "prefix_memory_mb" (this run's keys), "prefix_keys"}; "error" on failure. */
    static Map<String, Object> of(RedisSettings redis, String prefix) {
        Map<String, Object> bytes = bytes(redis, prefix);
        if (bytes.containsKey("error")) {
            return bytes;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("used_memory_mb", megabytes((Long) bytes.get("used_memory_bytes")));
        out.put("prefix_memory_mb", megabytes((Long) bytes.get("prefix_bytes")));
        out.put("prefix_keys", bytes.get("prefix_keys"));
        return out;
    }

    /** {"used_memory_bytes", "prefix_bytes", "prefix_keys"}; "error" on failure. */
    static Map<String, Object> bytes(RedisSettings redis, String prefix) {
        Map<String, Object> out = new LinkedHashMap<>();
        try (Jedis jedis = new Jedis(redis.uri(), (int) redis.timeout().toMillis())) {
            long used = 0;
            for (String line : jedis.info("memory").split("\r?\n")) {
                if (line.startsWith("used_memory:")) {
                    used = Long.parseLong(line.substring("used_memory:".length()).trim());
                }
            }
            long bytes = 0;
            long keys = 0;
            ScanParams params = new ScanParams().match(prefix + "*").count(500);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(cursor, params);
                for (String key : page.getResult()) {
                    Long usage = jedis.memoryUsage(key, 0);
                    bytes += usage == null ? 0 : usage;
                    keys++;
                }
                cursor = page.getCursor();
            } while (!"0".equals(cursor));
            out.put("used_memory_bytes", used);
            out.put("prefix_bytes", bytes);
            out.put("prefix_keys", keys);
        } catch (RuntimeException e) {
            // Jedis quotes a URI it cannot take (a Sentinel or cluster one) whole: never its password
            out.put("error", String.valueOf(e.getMessage()).replace(redis.uri().toString(), redis.redactedUri()));
        }
        return out;
    }

    private static double megabytes(long bytes) {
        return Math.round(bytes / 1024.0 / 1024.0 * 10) / 10.0;
    }
}
