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
import dev.meteo.transport.AccessRefusedException;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisAccessControlException;
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
 *   <li>{@code <kind>:ts}: sorted set, member = record id, score = detection time (ms): the identities of the records
 *       stored in windows, which make stores idempotent, kept for the retention;</li>
 *   <li>{@code window:aggregates}: hash, {@code <window start>:<kind>} to the window's running count, mean, sum of
 *       squared deviations, min, max and latest detection time, updated with every store: closing a window reads one
 *       field, whatever the number of its records;</li>
 *   <li>{@code window:size}: the deployment's window size (ms), set by its first proxy; {@code <kind>:pending}: hash,
 *       record id to coefficient, for records stored before it (folded into the aggregates then);</li>
 *   <li>{@code <kind>:late}: hash, record id to {@code time:value}: records stored after their window closed;</li>
 *   <li>{@code window:closed}, {@code window:published}: the closed and published horizons (ms);</li>
 *   <li>{@code proxy:lease}: hash {@code owner}, {@code expires}; {@code rejected}: hash record id to reason.</li>
 * </ul>
 * Storing is one Lua script per batch of up to {@value #STORE_CHUNK} coefficients (duplicate check, late check
 * against the closed horizon, identity, aggregate), pipelined; closing a window is one script, so a store and a close
 * never interleave. Thread-safe. The full list of keys is in {@code docs/redis-keys.md}.
 *
 * <p>Limits, by design: {@link #trimBefore} deletes the identities of trimmed windows with their aggregates, so a
 * redelivery of a record older than the retention horizon is no longer recognised and counts as late (counted twice
 * rather than dropped); keep retention above the longest redelivery delay. Late and rejected identities are trimmed
 * the same way, by the store's time when they were classified ({@code late:at}, {@code rejected:at}); their totals
 * are counters ({@code counts}), exact whatever was trimmed.
 */
public final class RedisMeteoStore implements CoefficientStore, WindowStore {

    /** The store's clock, in epoch milliseconds: the one time every process agrees on. */
    private static final String NOW = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            """;

    /**
     * The running statistics of windows, kept in one hash ({@code window:aggregates}), field
     * {@code <window start>:<kind>}, value {@code "count mean m2 min max latest"}: Welford's mean and sum of squared
     * deviations (numerically safe, unlike a sum of squares), doubles printed with 17 significant digits so they read
     * back exactly. {@code aggregate} folds one value into a field (read once per script), {@code saveAggregates}
     * writes the fields it changed.
     */
    private static final String AGGREGATES = """
            local aggregates = {}
            local function aggregate(hash, field, x, t)
              local a = aggregates[field]
              if not a then
                local packed = redis.call('HGET', hash, field)
                if packed then
                  local n, mean, m2, lo, hi, latest = string.match(packed, '^(%S+) (%S+) (%S+) (%S+) (%S+) (%S+)$')
                  a = {tonumber(n), tonumber(mean), tonumber(m2), tonumber(lo), tonumber(hi), tonumber(latest)}
                else
                  a = {0, 0, 0, x, x, t}
                end
                aggregates[field] = a
              end
              local n = a[1] + 1
              local delta = x - a[2]
              local mean = a[2] + delta / n
              a[1] = n
              a[2] = mean
              a[3] = a[3] + delta * (x - mean)
              if x < a[4] then a[4] = x end
              if x > a[5] then a[5] = x end
              if t > a[6] then a[6] = t end
            end
            local function saveAggregates(hash)
              for field, a in pairs(aggregates) do
                redis.call('HSET', hash, field,
                    string.format('%d %.17g %.17g %.17g %.17g %d', a[1], a[2], a[3], a[4], a[5], a[6]))
              end
            end
            """;

    /**
     * Stores a batch. KEYS: ts, late, pending of wellness (1-3) then pollution (4-6), closed, rejected, sensors:stored,
     * sensors:late, window:size, window:aggregates, late:at, counts. ARGV: per record, kind label, record id, detection
     * time, value, sensor id. Returns a code per record: 0 duplicate, 1 stored, 2 late. A record known in ts, late or
     * rejected is a duplicate (the first classification wins); otherwise it is late when detected before the closed
     * horizon (noted in late:at with the store's time, for the trim, and counted in counts), else its identity goes
     * into ts and its value into its window's aggregate (into pending while no proxy has set the window size yet).
     * Per-sensor counters are added once per sensor per batch.
     */
    static final String STORE_BATCH_SCRIPT = NOW + AGGREGATES + """
            local closed = redis.call('GET', KEYS[7])
            closed = closed and tonumber(closed)
            local size = tonumber(redis.call('GET', KEYS[11]) or '0')
            local codes = {}
            local storedBy, lateBy, lateTotal = {}, {}, 0
            for i = 1, #ARGV, 5 do
              local label, id, at, value, sensor = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
              local base = label == 'pollution' and 3 or 0
              local ts, late = KEYS[1 + base], KEYS[2 + base]
              local t = tonumber(at)
              if redis.call('ZSCORE', ts, id) or redis.call('HEXISTS', late, id) == 1
                  or redis.call('HEXISTS', KEYS[8], id) == 1 then
                codes[#codes + 1] = 0
              elseif closed and t < closed then
                redis.call('HSET', late, id, at .. ':' .. value)
                redis.call('ZADD', KEYS[13], now, label .. ':' .. id)
                lateBy[sensor] = (lateBy[sensor] or 0) + 1
                lateTotal = lateTotal + 1
                codes[#codes + 1] = 2
              else
                redis.call('ZADD', ts, at, id)
                if size > 0 then
                  aggregate(KEYS[12], string.format('%d', math.floor(t / size) * size) .. ':' .. label, tonumber(value), t)
                else
                  redis.call('HSET', KEYS[3 + base], id, value)
                end
                storedBy[sensor] = (storedBy[sensor] or 0) + 1
                codes[#codes + 1] = 1
              end
            end
            saveAggregates(KEYS[12])
            for sensor, n in pairs(storedBy) do
              redis.call('HINCRBY', KEYS[9], sensor, n)
            end
            for sensor, n in pairs(lateBy) do
              redis.call('HINCRBY', KEYS[10], sensor, n)
            end
            if lateTotal > 0 then
              redis.call('HINCRBY', KEYS[14], 'late', lateTotal)
            end
            return codes
            """;

    /** Records per call of the store script: bounds how long one call holds Redis (a few milliseconds). */
    static final int STORE_CHUNK = 256;

    /**
     * KEYS: rejected, ts and late of both kinds, sensors:rejected, rejected:at, counts. ARGV: record id, reason, sensor
     * id. Counts a rejection once per identity, never on top of a store or a late record.
     */
    static final String REJECT_SCRIPT = NOW + """
            if redis.call('ZSCORE', KEYS[2], ARGV[1]) or redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1
                or redis.call('ZSCORE', KEYS[4], ARGV[1]) or redis.call('HEXISTS', KEYS[5], ARGV[1]) == 1 then
              return 0
            end
            if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
              redis.call('ZADD', KEYS[7], now, ARGV[1])
              redis.call('HINCRBY', KEYS[6], ARGV[3], 1)
              redis.call('HINCRBY', KEYS[8], 'rejected', 1)
              return 1
            end
            return 0
            """;

    /** Identities of each sort a trim call forgets at most: bounds how long it holds Redis. */
    static final int TRIM_CHUNK = 1000;

    /**
     * Forgets late and rejected identities classified before a time, at most {@value #TRIM_CHUNK} per call (the caller
     * repeats while it returns that many). KEYS: late of wellness, late of pollution, late:at, rejected, rejected:at.
     * ARGV: cutoff (store time, ms). late:at members are {@code <kind>:<id>}. The counts hash is not touched: the
     * totals stay exact.
     */
    static final String TRIM_IDENTITIES_SCRIPT = """
            local cutoff = '(' .. ARGV[1]
            local trimmed = 0
            local late = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', cutoff, 'LIMIT', 0, %d)
            for _, member in ipairs(late) do
              local kind, id = string.match(member, '^([^:]*):(.*)$')
              redis.call('HDEL', kind == 'pollution' and KEYS[2] or KEYS[1], id)
              redis.call('ZREM', KEYS[3], member)
            end
            trimmed = trimmed + #late
            local rejected = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', cutoff, 'LIMIT', 0, %d)
            for _, id in ipairs(rejected) do
              redis.call('HDEL', KEYS[4], id)
              redis.call('ZREM', KEYS[5], id)
            end
            return math.max(#late, #rejected)
            """.formatted(TRIM_CHUNK, TRIM_CHUNK);

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
     * closed, published, ts/pending/late of wellness then pollution (3-8), epoch, sensors:stored, sensors:late,
     * window:size, window:aggregates, late:at, counts. ARGV: horizon, window size, floor, epoch, grace. Coefficients detected before
     * the floor move from their window to late; those stored before this (pending, the window size unknown) are folded
     * into their windows' aggregates. The horizon is never after the last window closed by the store's clock.
     */
    static final String INITIALISE_SCRIPT = NOW + AGGREGATES + """
            local closed = redis.call('GET', KEYS[1])
            if closed then
              return closed
            end
            local size = tonumber(ARGV[2])
            local horizon = math.min(tonumber(ARGV[1]), math.floor((now - tonumber(ARGV[5])) / size) * size)
            local floor = string.format('%d', tonumber(ARGV[3]))
            local labels = {'wellness', 'pollution'}
            for k = 0, 1 do
              local ts, pending, late = KEYS[3 + 3 * k], KEYS[4 + 3 * k], KEYS[5 + 3 * k]
              local old = redis.call('ZRANGEBYSCORE', ts, '-inf', '(' .. floor, 'WITHSCORES')
              for i = 1, #old, 2 do
                local id = old[i]
                redis.call('HSET', late, id, old[i + 1] .. ':' .. (redis.call('HGET', pending, id) or ''))
                redis.call('ZADD', KEYS[14], now, labels[k + 1] .. ':' .. id)
                redis.call('HINCRBY', KEYS[15], 'late', 1)
                redis.call('HDEL', pending, id)
                local sensor = string.match(id, '^(.*)#[^#]*$') or id
                redis.call('HINCRBY', KEYS[10], sensor, -1)
                redis.call('HINCRBY', KEYS[11], sensor, 1)
              end
              redis.call('ZREMRANGEBYSCORE', ts, '-inf', '(' .. floor)
              local values = redis.call('HGETALL', pending)
              for i = 1, #values, 2 do
                local t = tonumber(redis.call('ZSCORE', ts, values[i]))
                if t then
                  aggregate(KEYS[13], string.format('%d', math.floor(t / size) * size) .. ':' .. labels[k + 1],
                      tonumber(values[i + 1]), t)
                end
              end
              redis.call('DEL', pending)
              local first = redis.call('ZRANGE', ts, 0, 0, 'WITHSCORES')
              if first[2] then
                local start = math.floor(tonumber(first[2]) / size) * size
                if start < horizon then
                  horizon = start
                end
              end
            end
            saveAggregates(KEYS[13])
            local value = string.format('%d', horizon)
            redis.call('SET', KEYS[1], value)
            redis.call('SETNX', KEYS[2], value)
            redis.call('SETNX', KEYS[9], ARGV[4])
            redis.call('SET', KEYS[12], ARGV[2])
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
        } catch (JedisAccessControlException e) {
            throw refused(e);
        } catch (JedisDataException e) {
            if (String.valueOf(e.getMessage()).startsWith("NOAUTH")) {
                throw refused(e);
            }
            if (isTransient(e)) {
                connections.refresh();
                throw new StoreUnavailableException("Redis at " + settings.redactedUri() + " cannot serve yet: "
                        + e.getMessage() + " (retrying)", e);
            }
            throw e;
        } catch (JedisException e) {
            if (e.getCause() instanceof JedisAccessControlException refusal) {
                throw refused(refusal);
            }
            connections.refresh();
            throw new StoreUnavailableException("Redis at " + settings.redactedUri() + " is unavailable: "
                    + e.getMessage() + " (is redis-server running?)", e);
        }
    }

    /** WRONGPASS, NOAUTH or NOPERM: a person must fix the credentials or the ACL, retrying cannot help. */
    private AccessRefusedException refused(JedisException e) {
        String user = settings.user() == null ? "default" : settings.user();
        String message = String.valueOf(e.getMessage());
        String what = message.startsWith("NOPERM")
                ? "grant the user the deployment's keys and commands, e.g. ACL SETUSER " + user + " ~"
                + settings.effectivePrefix() + "* +@all"
                : message.startsWith("NOAUTH")
                ? "this Redis requires a password: give it in the URI, redis://[user]:PASSWORD@host:port/db"
                : "check the user and password in the URI (redis://user:PASSWORD@host:port/db; no user means the "
                + "default user)";
        return new AccessRefusedException("Redis at " + settings.redactedUri() + " refused user '" + user + "' ("
                + message + "): " + what, e);
    }

    /**
     * Errors Redis answers while it cannot serve for a while, not because of the request: loading its append-only
     * file after a restart, a replica still in place of a primary during a failover, a cluster without a slot's owner.
     */
    private static boolean isTransient(JedisDataException e) {
        String message = String.valueOf(e.getMessage());
        return message.startsWith("LOADING") || message.startsWith("READONLY") || message.startsWith("MASTERDOWN")
                || message.startsWith("CLUSTERDOWN") || message.startsWith("TRYAGAIN") || message.startsWith("BUSY");
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

    /**
     * Replicas that receive the stream of writes ({@code slaveN:...,state=online,...}); one still waiting for its first
     * full copy ({@code wait_bgsave}, which takes a few seconds) cannot acknowledge a WAIT yet.
     */
    static int connectedReplicas(Jedis jedis) {
        int online = 0;
        for (String line : jedis.info("replication").split("\r?\n")) {
            if (line.startsWith("slave") && line.contains("state=online")) {
                online++;
            }
        }
        return online;
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

    /** One call of the batch script per {@value #STORE_CHUNK} coefficients, all in one round trip. */
    private List<StoreOutcome> storePipelined(Jedis jedis, List<Coefficient> coefficients) {
        String sha = sha(jedis, STORE_BATCH_SCRIPT);
        List<String> keys = new ArrayList<>(12);
        for (CoefficientKind kind : List.of(CoefficientKind.WELLNESS, CoefficientKind.POLLUTION)) {
            keys.addAll(List.of(key(kind, "ts"), key(kind, "late"), key(kind, "pending")));
        }
        keys.addAll(List.of(key("window:closed"), key("rejected"), key("sensors:stored"), key("sensors:late"),
                key("window:size"), key("window:aggregates"), key("late:at"), key("counts")));
        List<Response<Object>> responses = new ArrayList<>();
        Pipeline pipeline = jedis.pipelined();
        for (int from = 0; from < coefficients.size(); from += STORE_CHUNK) {
            List<Coefficient> chunk = coefficients.subList(from, Math.min(coefficients.size(), from + STORE_CHUNK));
            List<String> args = new ArrayList<>(chunk.size() * 5);
            for (Coefficient c : chunk) {
                args.add(c.kind().label());
                args.add(c.recordId().key());
                args.add(Long.toString(c.detectedAt().toEpochMilli()));
                args.add(Double.toString(c.value()));
                args.add(c.recordId().sensorId());
            }
            responses.add(pipeline.evalsha(sha, keys, args));
        }
        pipeline.sync();
        replicated(jedis, coefficients.size() + " stored coefficients");
        List<StoreOutcome> outcomes = new ArrayList<>(coefficients.size());
        for (Response<Object> response : responses) {
            for (Object code : (List<?>) response.get()) {
                long value = (Long) code;
                outcomes.add(value == 1 ? StoreOutcome.STORED : value == 2 ? StoreOutcome.LATE : StoreOutcome.DUPLICATE);
            }
        }
        return outcomes;
    }

    @Override
    public boolean recordRejected(RecordId recordId, String reason) {
        return withJedis(jedis -> {
            boolean counted = (Long) evalScript(jedis, REJECT_SCRIPT,
                    List.of(key("rejected"), key(CoefficientKind.WELLNESS, "ts"), key(CoefficientKind.WELLNESS, "late"),
                            key(CoefficientKind.POLLUTION, "ts"), key(CoefficientKind.POLLUTION, "late"),
                            key("sensors:rejected"), key("rejected:at"), key("counts")),
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
            keys.addAll(List.of(key(kind, "ts"), key(kind, "pending"), key(kind, "late")));
        }
        keys.addAll(List.of(key("epoch"), key("sensors:stored"), key("sensors:late"), key("window:size"),
                key("window:aggregates"), key("late:at"), key("counts")));
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

    /**
     * Reads the window's aggregate: one hash field, whatever the number of records. Before the first proxy set the
     * window size, computes the statistics from the coefficients waiting in {@code <kind>:pending} instead.
     *
     * @throws IllegalArgumentException when the deployment's windows are another size, or {@code start} is not on one
     *                                  of their boundaries
     */
    @Override
    public KindStatistics windowStatistics(CoefficientKind kind, long start, long end) {
        return withJedis(jedis -> {
            Pipeline pipeline = jedis.pipelined();
            Response<String> size = pipeline.get(key("window:size"));
            Response<String> packed = pipeline.hget(key("window:aggregates"), start + ":" + kind.label());
            pipeline.sync();
            if (size.get() == null) {
                return KindStatistics.of(pendingSamples(jedis, kind, start, end));
            }
            long sizeMillis = Long.parseLong(size.get());
            if (end - start != sizeMillis || Math.floorMod(start, sizeMillis) != 0) {
                throw new IllegalArgumentException("[" + start + ", " + end + ") is not a window of this deployment, "
                        + "whose windows are " + sizeMillis + " ms long (set by its first proxy)");
            }
            return packed.get() == null ? KindStatistics.EMPTY : AggregateEncoding.decode(packed.get());
        });
    }

    @Override
    public long windowSizeMillis() {
        String size = withJedis(jedis -> jedis.get(key("window:size")));
        return size == null ? 0 : Long.parseLong(size);
    }

    private List<KindStatistics.Sample> pendingSamples(Jedis jedis, CoefficientKind kind, long start, long end) {
        List<redis.clients.jedis.resps.Tuple> members =
                jedis.zrangeByScoreWithScores(key(kind, "ts"), Long.toString(start), "(" + end);
        if (members.isEmpty()) {
            return List.of();
        }
        String[] ids = members.stream().map(redis.clients.jedis.resps.Tuple::getElement).toArray(String[]::new);
        List<String> values = jedis.hmget(key(kind, "pending"), ids);
        List<KindStatistics.Sample> samples = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length; i++) {
            if (values.get(i) != null) {
                samples.add(new KindStatistics.Sample((long) members.get(i).getScore(), Double.parseDouble(values.get(i))));
            }
        }
        return samples;
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

    /** Every record counted late, ever: a counter, exact whatever the trim forgot of their identities. */
    @Override
    public long lateCount() {
        return count("late");
    }

    /** Every record counted rejected, ever (a counter, as {@link #lateCount()}). */
    @Override
    public long rejectedCount() {
        return count("rejected");
    }

    private long count(String field) {
        String value = withJedis(jedis -> jedis.hget(key("counts"), field));
        return value == null ? 0 : Long.parseLong(value);
    }

    /** Late and rejected identities kept for deduplication (what the trim bounds), for tests and the soak bench. */
    public long identitiesKept() {
        return withJedis(jedis -> jedis.zcard(key("late:at")) + jedis.zcard(key("rejected:at")));
    }

    /** Coefficients of one kind currently stored in windows (not late), over all windows kept. */
    public long storedCount(CoefficientKind kind) {
        return withJedis(jedis -> jedis.zcard(key(kind, "ts")));
    }

    @Override
    public void trimBefore(long horizonMillis) {
        withJedis(jedis -> {
            List<String> old = jedis.hkeys(key("window:aggregates")).stream()
                    .filter(field -> Long.parseLong(field.substring(0, field.indexOf(':'))) < horizonMillis)
                    .toList();
            Pipeline pipeline = jedis.pipelined();
            for (CoefficientKind kind : CoefficientKind.values()) {
                pipeline.zremrangeByScore(key(kind, "ts"), "-inf", "(" + horizonMillis);
            }
            if (!old.isEmpty()) {
                pipeline.hdel(key("window:aggregates"), old.toArray(String[]::new));
            }
            pipeline.sync();
            return null;
        });
        trimIdentitiesBefore(horizonMillis);
    }

    /**
     * Forgets the late and rejected identities classified (by the store's clock) before {@code cutoffMillis}, in
     * chunks; their counters stay. A redelivery of such a record later is no longer recognised (the same limit as
     * the retention of stored identities).
     */
    public void trimIdentitiesBefore(long cutoffMillis) {
        List<String> keys = List.of(key(CoefficientKind.WELLNESS, "late"), key(CoefficientKind.POLLUTION, "late"),
                key("late:at"), key("rejected"), key("rejected:at"));
        long trimmed;
        do {
            trimmed = withJedis(jedis -> (Long) evalScript(jedis, TRIM_IDENTITIES_SCRIPT, keys,
                    List.of(Long.toString(cutoffMillis))));
        } while (trimmed == TRIM_CHUNK);
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

    /**
     * Records that this deployment's compute servers consume {@code workQueue} (indirect mode), unless a work queue is
     * recorded already (the first proxy's wins), and returns the one recorded. Key {@code deployment}, field
     * {@code work-queue}; a write that waits for a replica like every other.
     */
    public String recordWorkQueue(String workQueue) {
        return withJedis(jedis -> {
            if (jedis.hsetnx(key("deployment"), "work-queue", workQueue) == 1) {
                replicated(jedis, "recording the deployment's work queue");
            }
            return jedis.hget(key("deployment"), "work-queue");
        });
    }

    /** The work queue the deployment under this prefix consumes, or {@code null} while no proxy has recorded one. */
    public String workQueue() {
        return withJedis(jedis -> jedis.hget(key("deployment"), "work-queue"));
    }

    @Override
    public void close() {
        connections.close();
    }
}
