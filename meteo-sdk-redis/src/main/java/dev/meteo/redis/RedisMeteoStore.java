package dev.meteo.redis;

import dev.meteo.model.Coefficient;
import dev.meteo.model.CoefficientKind;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.RecordId;
import dev.meteo.model.WindowResult;
import dev.meteo.store.CoefficientStore;
import dev.meteo.store.HorizonMovedException;
import dev.meteo.store.LeaseLostException;
import dev.meteo.store.SensorCounts;
import dev.meteo.store.StoreOutcome;
import dev.meteo.store.StoreUnavailableException;
import dev.meteo.store.WindowStore;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * The Redis store, both ports in one. Layout, per kind ({@code wellness}, {@code pollution}) under the key prefix:
 * <ul>
 *   <li>{@code <kind>:ts}: sorted set, member = record id, score = detection time (ms): range reads per window;</li>
 *   <li>{@code <kind>:val}: hash, record id to coefficient: the identity check that makes stores idempotent;</li>
 *   <li>{@code <kind>:late}: hash, record id to {@code time:value}: records stored after their window closed;</li>
 *   <li>{@code window:closed}, {@code window:published}: the closed and published horizons (ms);</li>
 *   <li>{@code proxy:lease}: hash {@code owner}, {@code expires}; {@code rejected}: hash record id to reason.</li>
 * </ul>
 * Storing is one Lua script per coefficient (duplicate check, late check against the closed horizon, write), sent
 * pipelined per batch; closing a window is one script, so a store and a close never interleave. Thread-safe.
 *
 * <p>Limits, by design: {@link #trimBefore} deletes the ids of trimmed coefficients with them, so a redelivery of a
 * record older than the retention horizon is no longer recognised and counts as late (counted twice rather than
 * dropped); keep retention above the longest redelivery delay. The late and rejected hashes are not trimmed: they
 * hold the identities that make those counters idempotent, and grow with late and invalid input only.
 */
public final class RedisMeteoStore implements CoefficientStore, WindowStore {

    /** The store's clock, in epoch milliseconds: the one time every process agrees on. */
    private static final String NOW = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            """;

    /**
     * KEYS: ts, val, late (of the record's kind), closed, rejected, sensors:stored, sensors:late. ARGV: record id,
     * detection time, value, sensor id. A record known in any of val, late or rejected is a duplicate (the first
     * classification wins); otherwise it is late when detected before the closed horizon, else stored in its window.
     */
    static final String STORE_SCRIPT = """
            if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 or redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1
                or redis.call('HEXISTS', KEYS[5], ARGV[1]) == 1 then
              return 0
            end
            local closed = redis.call('GET', KEYS[4])
            if closed and tonumber(ARGV[2]) < tonumber(closed) then
              redis.call('HSET', KEYS[3], ARGV[1], ARGV[2] .. ':' .. ARGV[3])
              redis.call('HINCRBY', KEYS[7], ARGV[4], 1)
              return 2
            end
            redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
            redis.call('HINCRBY', KEYS[6], ARGV[4], 1)
            return 1
            """;

    /** KEYS: rejected, val and late of both kinds, sensors:rejected. ARGV: record id, reason, sensor id. */
    static final String REJECT_SCRIPT = """
            for i = 2, 5 do
              if redis.call('HEXISTS', KEYS[i], ARGV[1]) == 1 then
                return 0
              end
            end
            if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
              redis.call('HINCRBY', KEYS[6], ARGV[3], 1)
              return 1
            end
            return 0
            """;

    /**
     * KEYS: lease, proxies seen. ARGV: owner, ttl in ms. Also notes when the owner last asked (a sorted set by store
     * time, entries older than ten minutes trimmed): the standbys are those that ask without getting the lease.
     */
    static final String LEASE_SCRIPT = NOW + """
            redis.call('ZADD', KEYS[2], now, ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - 600000)
            local owner = redis.call('HGET', KEYS[1], 'owner')
            local expires = tonumber(redis.call('HGET', KEYS[1], 'expires') or '0')
            if owner == false or owner == ARGV[1] or expires <= now then
              redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'expires', string.format('%d', now + tonumber(ARGV[2])))
              return 1
            end
            return 0
            """;

    /** The lease check shared by the scripts a leader runs: an error unless ARGV[1] holds an unexpired lease. */
    private static final String FENCE = NOW + """
            local owner = redis.call('HGET', KEYS[1], 'owner')
            local expires = tonumber(redis.call('HGET', KEYS[1], 'expires') or '0')
            if owner ~= ARGV[1] or expires <= now then
              return redis.error_reply('LEASE held by ' .. tostring(owner) .. (owner == ARGV[1] and ' (expired)' or ''))
            end
            """;

    /** KEYS: lease, closed. ARGV: owner, start, end, close time. Returns 1 when closed, 0 when not due yet. */
    static final String CLOSE_SCRIPT = FENCE + """
            if now < tonumber(ARGV[4]) then
              return 0
            end
            local closed = redis.call('GET', KEYS[2])
            if closed ~= ARGV[2] then
              return redis.error_reply('HORIZON is ' .. tostring(closed) .. ', not ' .. ARGV[2])
            end
            redis.call('SET', KEYS[2], ARGV[3])
            return 1
            """;

    /** KEYS: lease, published. ARGV: owner, end. The published horizon only moves forward. */
    static final String PUBLISHED_SCRIPT = FENCE + """
            local published = tonumber(redis.call('GET', KEYS[2]) or '0')
            if tonumber(ARGV[2]) > published then
              redis.call('SET', KEYS[2], ARGV[2])
            end
            return 1
            """;

    /**
     * Atomic with stores, so no coefficient can slip in before the horizon between the read and the set. KEYS:
     * closed, published, ts/val/late of wellness then pollution (3-8), epoch, sensors:stored, sensors:late. ARGV:
     * horizon, window size, floor, epoch, grace. Coefficients detected before the floor move from their window to
     * late. The horizon is never after the last window closed by the store's clock.
     */
    static final String INITIALISE_SCRIPT = NOW + """
            local closed = redis.call('GET', KEYS[1])
            if closed then
              return closed
            end
            local size = tonumber(ARGV[2])
            local horizon = math.min(tonumber(ARGV[1]), math.floor((now - tonumber(ARGV[5])) / size) * size)
            local floor = string.format('%d', tonumber(ARGV[3]))
            for k = 0, 1 do
              local ts, val, late = KEYS[3 + 3 * k], KEYS[4 + 3 * k], KEYS[5 + 3 * k]
              local old = redis.call('ZRANGEBYSCORE', ts, '-inf', '(' .. floor, 'WITHSCORES')
              for i = 1, #old, 2 do
                local id = old[i]
                redis.call('HSET', late, id, old[i + 1] .. ':' .. (redis.call('HGET', val, id) or ''))
                redis.call('HDEL', val, id)
                local sensor = string.match(id, '^(.*)#[^#]*$') or id
                redis.call('HINCRBY', KEYS[10], sensor, -1)
                redis.call('HINCRBY', KEYS[11], sensor, 1)
              end
              redis.call('ZREMRANGEBYSCORE', ts, '-inf', '(' .. floor)
              local first = redis.call('ZRANGE', ts, 0, 0, 'WITHSCORES')
              if first[2] then
                local start = math.floor(tonumber(first[2]) / size) * size
                if start < horizon then
                  horizon = start
                end
              end
            end
            local value = string.format('%d', horizon)
            redis.call('SET', KEYS[1], value)
            redis.call('SETNX', KEYS[2], value)
            redis.call('SETNX', KEYS[9], ARGV[4])
            return value
            """;

    /** KEYS: results. ARGV: window end, encoded result. The first result saved for a window is kept. */
    static final String SAVE_RESULT_SCRIPT = """
            if redis.call('ZCOUNT', KEYS[1], ARGV[1], ARGV[1]) == 0 then
              redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
            end
            return 1
            """;

    static final String RELEASE_SCRIPT = """
            if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    /** KEYS: lease. The holder of an unexpired lease, or false. */
    static final String HOLDER_SCRIPT = NOW + """
            local owner = redis.call('HGET', KEYS[1], 'owner')
            local expires = tonumber(redis.call('HGET', KEYS[1], 'expires') or '0')
            if owner and expires > now then
              return owner
            end
            return false
            """;

    private final RedisSettings settings;
    private final RedisConnections connections;
    private final String prefix;
    private volatile Map<String, String> scriptShas = Map.of();
    /** Replicas a write waits for: the settings', or (auto) one when the primary has a replica; re-read every 5 s. */
    private volatile int replicasToWaitFor;
    private volatile long replicasReadAtNanos = System.nanoTime() - REPLICAS_REREAD_NANOS;
    private static final long REPLICAS_REREAD_NANOS = 5_000_000_000L;
    private final java.util.concurrent.atomic.AtomicLong roundTrips = new java.util.concurrent.atomic.AtomicLong();

    public RedisMeteoStore(RedisSettings settings) {
        this.settings = settings;
        this.prefix = settings.effectivePrefix();
        this.connections = RedisConnections.open(settings);
    }

    public RedisSettings settings() {
        return settings;
    }

    /** Checks that Redis answers; throws {@link StoreUnavailableException} with the address otherwise. */
    public void ping() {
        withJedis(Jedis::ping);
    }

    private String key(String name) {
        return prefix + name;
    }

    private String key(CoefficientKind kind, String name) {
        return prefix + kind.label() + ":" + name;
    }

    private <T> T withJedis(Function<Jedis, T> work) {
        roundTrips.incrementAndGet();
        try (Jedis jedis = connections.get()) {
            return work.apply(jedis);
        } catch (JedisMovedDataException e) {
            connections.refresh(); // the cluster moved the slot (a failover, a reshard): ask again next time
            throw new StoreUnavailableException("Redis cluster moved this deployment's keys: " + e.getMessage(), e);
        } catch (JedisDataException e) {
            throw e;
        } catch (JedisException e) {
            connections.refresh();
            throw new StoreUnavailableException("Redis at " + settings.redactedUri() + " is unavailable: "
                    + e.getMessage() + " (is redis-server running?)", e);
        }
    }

    private String sha(Jedis jedis, String script) {
        String sha = scriptShas.get(script);
        if (sha == null) {
            sha = jedis.scriptLoad(script);
            Map<String, String> copy = new java.util.HashMap<>(scriptShas);
            copy.put(script, sha);
            scriptShas = Map.copyOf(copy);
        }
        return sha;
    }

    /** Runs a script by SHA, reloading it once if Redis lost its script cache (a restart). */
    private Object evalScript(Jedis jedis, String script, List<String> keys, List<String> args) {
        try {
            return jedis.evalsha(sha(jedis, script), keys, args);
        } catch (JedisDataException e) {
            if (!String.valueOf(e.getMessage()).startsWith("NOSCRIPT")) {
                throw e;
            }
            scriptShas = Map.of();
            return jedis.evalsha(sha(jedis, script), keys, args);
        }
    }

    /**
     * Waits until this connection's writes reached the replicas a write must reach before it is acknowledged (Redis
     * replication is asynchronous: without this, a failover can lose writes already acknowledged).
     *
     * @throws StoreUnavailableException when fewer replicas confirmed within the wait timeout (the caller retries;
     *                                   every write here is idempotent)
     */
    private void replicated(Jedis jedis, String what) {
        int replicas = replicasToWaitFor(jedis);
        if (replicas == 0) {
            return;
        }
        long acknowledged = jedis.waitReplicas(replicas, settings.waitTimeout().toMillis());
        if (acknowledged < replicas) {
            throw new StoreUnavailableException(what + " reached " + acknowledged + " of " + replicas + " replicas within "
                    + settings.waitTimeout().toMillis() + " ms, so it is not acknowledged (retrying; is a replica down?)",
                    null);
        }
    }

    private int replicasToWaitFor(Jedis jedis) {
        if (settings.waitReplicas() != RedisSettings.AUTO_REPLICAS) {
            return settings.waitReplicas();
        }
        long now = System.nanoTime();
        if (now - replicasReadAtNanos >= REPLICAS_REREAD_NANOS) {
            replicasToWaitFor = connectedReplicas(jedis) > 0 ? 1 : 0;
            replicasReadAtNanos = now;
        }
        return replicasToWaitFor;
    }

    private static int connectedReplicas(Jedis jedis) {
        for (String line : jedis.info("replication").split("\r?\n")) {
            if (line.startsWith("connected_slaves:")) {
                return Integer.parseInt(line.substring("connected_slaves:".length()).trim());
            }
        }
        return 0;
    }

    @Override
    public List<StoreOutcome> storeAll(List<Coefficient> coefficients) {
        if (coefficients.isEmpty()) {
            return List.of();
        }
        return withJedis(jedis -> {
            try {
                return storePipelined(jedis, coefficients);
            } catch (JedisDataException e) {
                if (!String.valueOf(e.getMessage()).startsWith("NOSCRIPT")) {
                    throw e;
                }
                scriptShas = Map.of(); // Redis restarted: reload and store again (idempotent)
                return storePipelined(jedis, coefficients);
            }
        });
    }

    private List<StoreOutcome> storePipelined(Jedis jedis, List<Coefficient> coefficients) {
        String sha = sha(jedis, STORE_SCRIPT);
        String closedKey = key("window:closed");
        List<Response<Object>> responses = new ArrayList<>(coefficients.size());
        Pipeline pipeline = jedis.pipelined();
        for (Coefficient c : coefficients) {
            CoefficientKind kind = c.kind();
            responses.add(pipeline.evalsha(sha,
                    List.of(key(kind, "ts"), key(kind, "val"), key(kind, "late"), closedKey, key("rejected"),
                            key("sensors:stored"), key("sensors:late")),
                    List.of(c.recordId().key(), Long.toString(c.detectedAt().toEpochMilli()), Double.toString(c.value()),
                            c.recordId().sensorId())));
        }
        pipeline.sync();
        replicated(jedis, coefficients.size() + " stored coefficients");
        List<StoreOutcome> outcomes = new ArrayList<>(responses.size());
        for (Response<Object> response : responses) {
            long code = (Long) response.get();
            outcomes.add(code == 1 ? StoreOutcome.STORED : code == 2 ? StoreOutcome.LATE : StoreOutcome.DUPLICATE);
        }
        return outcomes;
    }

    @Override
    public boolean recordRejected(RecordId recordId, String reason) {
        return withJedis(jedis -> {
            boolean counted = (Long) evalScript(jedis, REJECT_SCRIPT,
                    List.of(key("rejected"), key(CoefficientKind.WELLNESS, "val"), key(CoefficientKind.WELLNESS, "late"),
                            key(CoefficientKind.POLLUTION, "val"), key(CoefficientKind.POLLUTION, "late"),
                            key("sensors:rejected")),
                    List.of(recordId.key(), reason, recordId.sensorId())) == 1L;
            replicated(jedis, "the rejection of " + recordId);
            return counted;
        });
    }

    /** The reason a record was rejected, or {@code null}. */
    public String rejectionReason(RecordId recordId) {
        return withJedis(jedis -> jedis.hget(key("rejected"), recordId.key()));
    }

    @Override
    public boolean acquireLease(String owner, Duration ttl) {
        return withJedis(jedis -> (Long) evalScript(jedis, LEASE_SCRIPT, List.of(key("proxy:lease"), key("proxy:seen")),
                List.of(owner, Long.toString(ttl.toMillis())))) == 1L;
    }

    @Override
    public void releaseLease(String owner) {
        withJedis(jedis -> evalScript(jedis, RELEASE_SCRIPT, List.of(key("proxy:lease")), List.of(owner)));
    }

    @Override
    public String leaseHolder() {
        Object holder = withJedis(jedis -> evalScript(jedis, HOLDER_SCRIPT, List.of(key("proxy:lease")), List.of()));
        return holder == null ? null : holder.toString();
    }

    /**
     * The proxies (lease owners: id and nonce) that asked for the lease in the last {@code within}, with when they last
     * asked (store time, epoch ms), most recent first. The lease holder is one of them; the others are standbys.
     */
    public Map<String, Long> proxiesSeen(Duration within) {
        return withJedis(jedis -> {
            long since = timeMillis(jedis) - within.toMillis();
            Map<String, Long> seen = new java.util.LinkedHashMap<>();
            for (redis.clients.jedis.resps.Tuple entry : jedis.zrevrangeByScoreWithScores(key("proxy:seen"), "+inf",
                    Long.toString(since))) {
                seen.put(entry.getElement(), (long) entry.getScore());
            }
            return seen;
        });
    }

    /** The store's clock (Redis {@code TIME}), in epoch milliseconds: the time leases and closes are judged by. */
    public long timeMillis() {
        return withJedis(RedisMeteoStore::timeMillis);
    }

    private static long timeMillis(Jedis jedis) {
        List<String> time = jedis.time();
        return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
    }

    /** Memory the Redis server uses, in bytes ({@code INFO memory}, {@code used_memory}); the whole server's. */
    public long usedMemoryBytes() {
        String info = withJedis(jedis -> jedis.info("memory"));
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).strip());
            }
        }
        throw new IllegalStateException("Redis at " + settings.redactedUri() + " reports no used_memory in INFO memory");
    }

    /** Requests (a command, a script or a pipelined batch) this store sent to Redis since it was opened. */
    public long roundTrips() {
        return roundTrips.get();
    }

    @Override
    public long initialiseHorizon(long horizonMillis, long windowSizeMillis, long graceMillis, long floorMillis) {
        List<String> keys = new ArrayList<>(List.of(key("window:closed"), key("window:published")));
        for (CoefficientKind kind : List.of(CoefficientKind.WELLNESS, CoefficientKind.POLLUTION)) {
            keys.addAll(List.of(key(kind, "ts"), key(kind, "val"), key(kind, "late")));
        }
        keys.addAll(List.of(key("epoch"), key("sensors:stored"), key("sensors:late")));
        Object horizon = withJedis(jedis -> {
            Object value = evalScript(jedis, INITIALISE_SCRIPT, keys,
                    List.of(Long.toString(horizonMillis), Long.toString(windowSizeMillis), Long.toString(floorMillis),
                            UUID.randomUUID().toString(), Long.toString(graceMillis)));
            replicated(jedis, "the first horizon");
            return value;
        });
        return Long.parseLong(horizon.toString());
    }

    @Override
    public String epoch() {
        return withJedis(jedis -> jedis.get(key("epoch")));
    }

    @Override
    public long closedHorizon() {
        return readHorizon("window:closed");
    }

    @Override
    public long publishedHorizon() {
        return readHorizon("window:published");
    }

    private long readHorizon(String name) {
        String value = withJedis(jedis -> jedis.get(key(name)));
        return value == null ? Long.MIN_VALUE : Long.parseLong(value);
    }

    @Override
    public CloseOutcome closeWindow(String owner, long start, long end, long closeAtMillis) {
        try {
            Object closed = withJedis(jedis -> {
                Object outcome = evalScript(jedis, CLOSE_SCRIPT, List.of(key("proxy:lease"), key("window:closed")),
                        List.of(owner, Long.toString(start), Long.toString(end), Long.toString(closeAtMillis)));
                if ((Long) outcome == 1L) {
                    replicated(jedis, "the close of window [" + start + ", " + end + ")");
                }
                return outcome;
            });
            return (Long) closed == 1L ? CloseOutcome.CLOSED : CloseOutcome.NOT_DUE;
        } catch (JedisDataException e) {
            throw fenceFailure(owner, "cannot close window [" + start + ", " + end + ")", e);
        }
    }

    private RuntimeException fenceFailure(String owner, String what, JedisDataException e) {
        String message = String.valueOf(e.getMessage());
        if (message.startsWith("LEASE")) {
            return new LeaseLostException("proxy lease lost by " + owner + ": " + message);
        }
        if (message.startsWith("HORIZON")) {
            return new HorizonMovedException(what + ": " + message);
        }
        return e;
    }

    @Override
    public List<KindStatistics.Sample> readWindow(CoefficientKind kind, long start, long end) {
        return withJedis(jedis -> {
            List<redis.clients.jedis.resps.Tuple> members =
                    jedis.zrangeByScoreWithScores(key(kind, "ts"), Long.toString(start), "(" + end);
            if (members.isEmpty()) {
                return List.of();
            }
            String[] ids = members.stream().map(redis.clients.jedis.resps.Tuple::getElement).toArray(String[]::new);
            List<String> values = jedis.hmget(key(kind, "val"), ids);
            List<KindStatistics.Sample> samples = new ArrayList<>(ids.length);
            for (int i = 0; i < ids.length; i++) {
                if (values.get(i) != null) {
                    samples.add(new KindStatistics.Sample((long) members.get(i).getScore(), Double.parseDouble(values.get(i))));
                }
            }
            return samples;
        });
    }

    @Override
    public void markPublished(String owner, long end) {
        try {
            withJedis(jedis -> {
                evalScript(jedis, PUBLISHED_SCRIPT, List.of(key("proxy:lease"), key("window:published")),
                        List.of(owner, Long.toString(end)));
                replicated(jedis, "the published horizon " + end);
                return null;
            });
        } catch (JedisDataException e) {
            throw fenceFailure(owner, "cannot mark window ending " + end + " published", e);
        }
    }

    @Override
    public void saveResult(WindowResult result) {
        withJedis(jedis -> {
            evalScript(jedis, SAVE_RESULT_SCRIPT, List.of(key("window:results")),
                    List.of(Long.toString(result.end().toEpochMilli()), WindowResultEncoding.encode(result)));
            replicated(jedis, "the result of window " + result.start());
            return null;
        });
    }

    @Override
    public List<WindowResult> resultsBetween(long afterEndMillis, long upToEndMillis) {
        List<String> encoded = withJedis(jedis -> jedis.zrangeByScore(key("window:results"),
                "(" + afterEndMillis, Long.toString(upToEndMillis)));
        return encoded.stream().map(WindowResultEncoding::decode).toList();
    }

    @Override
    public Map<String, SensorCounts> sensorCounts() {
        return withJedis(jedis -> {
            Map<String, String> stored = jedis.hgetAll(key("sensors:stored"));
            Map<String, String> late = jedis.hgetAll(key("sensors:late"));
            Map<String, String> rejected = jedis.hgetAll(key("sensors:rejected"));
            Map<String, SensorCounts> counts = new TreeMap<>();
            for (Map<String, String> part : List.of(stored, late, rejected)) {
                part.keySet().forEach(sensor -> counts.put(sensor, new SensorCounts(
                        Long.parseLong(stored.getOrDefault(sensor, "0")), Long.parseLong(late.getOrDefault(sensor, "0")),
                        Long.parseLong(rejected.getOrDefault(sensor, "0")))));
            }
            return counts;
        });
    }

    @Override
    public long lateCount() {
        return withJedis(jedis -> {
            long total = 0;
            for (CoefficientKind kind : CoefficientKind.values()) {
                total += jedis.hlen(key(kind, "late"));
            }
            return total;
        });
    }

    @Override
    public long rejectedCount() {
        return withJedis(jedis -> jedis.hlen(key("rejected")));
    }

    /** Coefficients of one kind currently stored in windows (not late), over all windows kept. */
    public long storedCount(CoefficientKind kind) {
        return withJedis(jedis -> jedis.zcard(key(kind, "ts")));
    }

    @Override
    public void trimBefore(long horizonMillis) {
        withJedis(jedis -> {
            for (CoefficientKind kind : CoefficientKind.values()) {
                List<String> ids = jedis.zrangeByScore(key(kind, "ts"), "-inf", "(" + horizonMillis);
                if (ids.isEmpty()) {
                    continue;
                }
                Pipeline pipeline = jedis.pipelined();
                for (int from = 0; from < ids.size(); from += 1000) {
                    List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 1000));
                    pipeline.hdel(key(kind, "val"), chunk.toArray(String[]::new));
                }
                pipeline.zremrangeByScore(key(kind, "ts"), "-inf", "(" + horizonMillis);
                pipeline.sync();
            }
            return null;
        });
    }

    @Override
    public void trimResultsBefore(long horizonMillis) {
        withJedis(jedis -> jedis.zremrangeByScore(key("window:results"), "-inf", "(" + horizonMillis));
    }

    /** How many keys there are under this store's prefix (what {@link #deleteAll()} would delete). */
    public long keyCount() {
        return withJedis(jedis -> {
            long count = 0;
            redis.clients.jedis.params.ScanParams params =
                    new redis.clients.jedis.params.ScanParams().match(prefix + "*").count(500);
            String cursor = redis.clients.jedis.params.ScanParams.SCAN_POINTER_START;
            do {
                redis.clients.jedis.resps.ScanResult<String> page = jedis.scan(cursor, params);
                count += page.getResult().size();
                cursor = page.getCursor();
            } while (!"0".equals(cursor));
            return count;
        });
    }

    /** Deletes every key under this store's prefix (tests, {@code meteo reset}). */
    public long deleteAll() {
        return withJedis(jedis -> {
            long deleted = 0;
            redis.clients.jedis.params.ScanParams params =
                    new redis.clients.jedis.params.ScanParams().match(prefix + "*").count(500);
            String cursor = redis.clients.jedis.params.ScanParams.SCAN_POINTER_START;
            do {
                redis.clients.jedis.resps.ScanResult<String> page = jedis.scan(cursor, params);
                if (!page.getResult().isEmpty()) {
                    deleted += jedis.del(page.getResult().toArray(String[]::new));
                }
                cursor = page.getCursor();
            } while (!"0".equals(cursor));
            return deleted;
        });
    }

    @Override
    public void close() {
        connections.close();
    }
}
