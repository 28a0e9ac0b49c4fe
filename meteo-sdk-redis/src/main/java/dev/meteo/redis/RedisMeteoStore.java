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
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The Redis store, both ports in one. What it keeps, under the deployment's key prefix (the full list, with every
 * script, is {@code docs/redis-keys.md}):
 * <ul>
 *   <li>{@code ids}: per sensor, the sequences it had classified (stored, late or rejected), as a few ranges: a copy
 *       of a record is recognised however late it comes, in memory that grows with sensors, not with records;</li>
 *   <li>{@code window:aggregates}: per window and kind, the running count, mean, sum of squared deviations, min, max
 *       and latest detection time, updated with every store; {@code window:results}: each closed window's result,
 *       saved by the close itself;</li>
 *   <li>the horizons, the lease, the counters.</li>
 * </ul>
 * Every classification and every close is one Lua script (files {@code lua/*.lua} beside this class), so a store and
 * a close never interleave. Thread-safe.
 */
public final class RedisMeteoStore implements CoefficientStore, WindowStore {

    static final LuaScript STORE = LuaScript.load("store");
    static final LuaScript REJECT = LuaScript.load("reject");
    static final LuaScript INITIALISE = LuaScript.load("initialise");
    static final LuaScript CLOSE = LuaScript.load("close");
    static final LuaScript PUBLISHED = LuaScript.load("published");
    static final LuaScript LEASE = LuaScript.load("lease");
    static final LuaScript RELEASE = LuaScript.load("release");
    static final LuaScript HOLDER = LuaScript.load("holder");
    static final LuaScript TRIM = LuaScript.load("trim");

    /** Records per call of the store script: bounds how long one call holds Redis (a few milliseconds). */
    static final int STORE_CHUNK = 256;

    /**
     * Ranges of classified sequences a sensor keeps at most. A sensor that sends in order has one; each restart adds
     * one; each record still in flight below the highest one classified holds a hole open until it arrives, so a sensor
     * with many records in flight over several servers has as many holes for a moment. Giving a hole up would make its
     * record, when it arrives, a duplicate: lost. So the limit is far above what a sensor can have in flight
     * ({@link dev.meteo.sensor.SensorSettings#MAX_IN_FLIGHT}); it only bounds what a client sending scattered sequences
     * as one sensor id can make that sensor cost. Beyond it the lowest hole is given up (see {@code docs/redis-keys.md}).
     */
    static final int MAX_RANGES = 16_384;

    /** Entries of each sort a trim call takes at most: bounds how long it holds Redis. */
    static final int TRIM_CHUNK = 1000;

    private final RedisSettings settings;
    private final RedisConnections connections;
    private final String prefix;
    private volatile Map<LuaScript, String> scriptShas = Map.of();
    /** Replicas a write waits for: the settings', or (auto) one when the primary has a replica; re-read every 5 s. */
    private volatile int replicasToWaitFor;
    private volatile long replicasReadAtNanos = System.nanoTime() - REPLICAS_REREAD_NANOS;
    private static final long REPLICAS_REREAD_NANOS = 5_000_000_000L;
    private final AtomicLong roundTrips = new AtomicLong();

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

    /**
     * A sequence as the scripts compare it: 16 hex digits of the number with its sign bit flipped, so that the order
     * of the strings is the order of the signed numbers (Lua's numbers cannot hold every 64-bit value).
     */
    static String sequenceKey(long sequence) {
        String hex = Long.toHexString(sequence ^ Long.MIN_VALUE);
        return hex.length() == 16 ? hex : "0".repeat(16 - hex.length()) + hex;
    }

    static long sequenceOf(String key) {
        return Long.parseUnsignedLong(key, 16) ^ Long.MIN_VALUE;
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
            String message = String.valueOf(e.getMessage());
            if (message.startsWith("NOAUTH")) {
                throw refused(e);
            }
            if (message.startsWith("OOM") || message.contains("-OOM command not allowed")) {
                // maxmemory with noeviction (Redis 6 wraps it in a script error): refused before the script changed
                // anything; the caller retries
                throw new StoreUnavailableException("Redis at " + settings.redactedUri() + " is full (maxmemory, "
                        + "noeviction): the write was refused, nothing changed (retrying): " + message, e);
            }
            if (isTransient(e)) {
                connections.refresh();
                throw new StoreUnavailableException("Redis at " + settings.redactedUri() + " cannot serve yet: "
                        + message + " (retrying)", e);
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

    private String sha(Jedis jedis, LuaScript script) {
        String sha = scriptShas.get(script);
        if (sha == null) {
            sha = jedis.scriptLoad(script.source());
            Map<LuaScript, String> copy = new HashMap<>(scriptShas);
            copy.put(script, sha);
            scriptShas = Map.copyOf(copy);
        }
        return sha;
    }

    private List<String> keys(LuaScript script) {
        return script.keys(this::key);
    }

    /** Runs a script by SHA, reloading it once if Redis lost its script cache (a restart). */
    private Object evalScript(Jedis jedis, LuaScript script, List<String> args) {
        try {
            return jedis.evalsha(sha(jedis, script), keys(script), args);
        } catch (JedisDataException e) {
            if (!String.valueOf(e.getMessage()).startsWith("NOSCRIPT")) {
                throw e;
            }
            scriptShas = Map.of();
            return jedis.evalsha(sha(jedis, script), keys(script), args);
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
        for (Coefficient c : coefficients) {
            if (c.recordId().sensorId().isEmpty()) {
                throw new IllegalArgumentException("a coefficient needs a sensor id: " + c.recordId());
            }
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

    /** One call of the store script per {@value #STORE_CHUNK} coefficients, all in one round trip. */
    private List<StoreOutcome> storePipelined(Jedis jedis, List<Coefficient> coefficients) {
        String sha = sha(jedis, STORE);
        List<String> keys = keys(STORE);
        List<Response<Object>> responses = new ArrayList<>();
        Pipeline pipeline = jedis.pipelined();
        for (int from = 0; from < coefficients.size(); from += STORE_CHUNK) {
            List<Coefficient> chunk = coefficients.subList(from, Math.min(coefficients.size(), from + STORE_CHUNK));
            List<String> args = new ArrayList<>(1 + chunk.size() * 5);
            args.add(Integer.toString(MAX_RANGES));
            for (Coefficient c : chunk) {
                args.add(c.kind().label());
                args.add(c.recordId().sensorId());
                args.add(sequenceKey(c.recordId().sequence()));
                args.add(Long.toString(c.detectedAt().toEpochMilli()));
                args.add(Double.toString(c.value()));
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

    /**
     * {@inheritDoc} A record of a sensor is claimed in the sensor's identities like a store, so the first
     * classification wins however late a copy comes. A record without a sensor id (a message that could not be
     * decoded, identified by its bytes) is kept by id for the retention only: it belongs to no sensor's accounting.
     */
    @Override
    public boolean recordRejected(RecordId recordId, String reason) {
        return withJedis(jedis -> {
            boolean counted = (Long) evalScript(jedis, REJECT, List.of(Integer.toString(MAX_RANGES),
                    recordId.sensorId(), sequenceKey(recordId.sequence()), recordId.key(), reason)) == 1L;
            replicated(jedis, "the rejection of " + recordId);
            return counted;
        });
    }

    /**
     * The reason a record was rejected, if it is among the last 100 rejections (or a sensorless one within the
     * retention); {@code null} otherwise.
     */
    public String rejectionReason(RecordId recordId) {
        return withJedis(jedis -> {
            String prefix = recordId.key() + " ";
            for (String entry : jedis.lrange(key("rejected:recent"), 0, -1)) {
                if (entry.startsWith(prefix)) {
                    return entry.substring(prefix.length());
                }
            }
            return recordId.sensorId().isEmpty() ? jedis.hget(key("rejected:sensorless"), recordId.key()) : null;
        });
    }

    /** The most recent rejections, newest first, as {@code "<record id> <reason>"} (at most 100 are kept). */
    public List<String> recentRejections(int limit) {
        return withJedis(jedis -> jedis.lrange(key("rejected:recent"), 0, Math.max(0, limit - 1)));
    }

    /** A run of consecutive sequences of one sensor, both ends included. */
    public record SequenceRange(long first, long last) {
    }

    /** The sequences of {@code sensorId} classified so far, as ranges in increasing order (empty if none). */
    public List<SequenceRange> classifiedSequences(String sensorId) {
        String packed = withJedis(jedis -> jedis.hget(key("ids"), sensorId));
        return packed == null ? List.of() : SensorEntry.parse(packed).ranges();
    }

    /**
     * What the per-sensor state holds: sensors known (each keeps an entry for good, a single range once retired),
     * ranges over every sensor, and holes given up, ever.
     */
    public record IdentityFootprint(long sensorsKnown, long ranges, long holesGivenUp) {
    }

    /** Reads {@link IdentityFootprint}: the whole {@code ids} hash, for tests, {@code meteo status} and the soak bench. */
    public IdentityFootprint identityFootprint() {
        return withJedis(jedis -> {
            long[] sensorsAndRanges = new long[2];
            scanSensors(jedis, (sensor, entry) -> {
                sensorsAndRanges[0]++;
                sensorsAndRanges[1] += entry.ranges().size();
            });
            String givenUp = jedis.hget(key("counts"), "holes_given_up");
            return new IdentityFootprint(sensorsAndRanges[0], sensorsAndRanges[1],
                    givenUp == null ? 0 : Long.parseLong(givenUp));
        });
    }

    private void scanSensors(Jedis jedis, BiConsumer<String, SensorEntry> each) {
        ScanParams params = new ScanParams().count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<Map.Entry<String, String>> page = jedis.hscan(key("ids"), cursor, params);
            for (Map.Entry<String, String> entry : page.getResult()) {
                each.accept(entry.getKey(), SensorEntry.parse(entry.getValue()));
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    }

    /** One field of {@code ids}, as {@code lua/sensors.lua} writes it. */
    record SensorEntry(long lastActiveMillis, SensorCounts counts, List<SequenceRange> ranges) {

        static SensorEntry parse(String packed) {
            String[] parts = packed.split("\\|", 5);
            String hex = parts[4];
            List<SequenceRange> ranges = new ArrayList<>(hex.length() / 32);
            for (int i = 0; i + 32 <= hex.length(); i += 32) {
                ranges.add(new SequenceRange(sequenceOf(hex.substring(i, i + 16)), sequenceOf(hex.substring(i + 16, i + 32))));
            }
            return new SensorEntry(Long.parseLong(parts[0], 16), new SensorCounts(Long.parseLong(parts[1]),
                    Long.parseLong(parts[2]), Long.parseLong(parts[3])), ranges);
        }
    }

    @Override
    public boolean acquireLease(String owner, Duration ttl) {
        return withJedis(jedis -> (Long) evalScript(jedis, LEASE, List.of(owner, Long.toString(ttl.toMillis())))) == 1L;
    }

    @Override
    public void releaseLease(String owner) {
        withJedis(jedis -> evalScript(jedis, RELEASE, List.of(owner)));
    }

    @Override
    public String leaseHolder() {
        Object holder = withJedis(jedis -> evalScript(jedis, HOLDER, List.of()));
        return holder == null ? null : holder.toString();
    }

    /**
     * The proxies (lease owners: id and nonce) that asked for the lease in the last {@code within}, with when they last
     * asked (store time, epoch ms), most recent first. The lease holder is one of them; the others are standbys.
     */
    public Map<String, Long> proxiesSeen(Duration within) {
        return withJedis(jedis -> {
            long since = timeMillis(jedis) - within.toMillis();
            Map<String, Long> seen = new LinkedHashMap<>();
            for (Tuple entry : jedis.zrevrangeByScoreWithScores(key("proxy:seen"), "+inf", Long.toString(since))) {
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
        Object horizon = withJedis(jedis -> {
            Object value = evalScript(jedis, INITIALISE, List.of(Long.toString(horizonMillis),
                    Long.toString(windowSizeMillis), Long.toString(floorMillis), UUID.randomUUID().toString(),
                    Long.toString(graceMillis)));
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
                Object outcome = evalScript(jedis, CLOSE,
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

    @Override
    public long graceMillis() {
        String grace = withJedis(jedis -> jedis.get(key("window:grace")));
        return grace == null ? -1 : Long.parseLong(grace);
    }

    /** The coefficients stored before the first proxy ({@code <kind>:pending}: id to {@code time:value}) in a range. */
    private List<KindStatistics.Sample> pendingSamples(Jedis jedis, CoefficientKind kind, long start, long end) {
        List<KindStatistics.Sample> samples = new ArrayList<>();
        for (String packed : jedis.hvals(key(kind, "pending"))) {
            int colon = packed.indexOf(':');
            long at = Long.parseLong(packed.substring(0, colon));
            if (at >= start && at < end) {
                samples.add(new KindStatistics.Sample(at, Double.parseDouble(packed.substring(colon + 1))));
            }
        }
        return samples;
    }

    @Override
    public void markPublished(String owner, long end) {
        try {
            withJedis(jedis -> {
                evalScript(jedis, PUBLISHED, List.of(owner, Long.toString(end)));
                replicated(jedis, "the published horizon " + end);
                return null;
            });
        } catch (JedisDataException e) {
            throw fenceFailure(owner, "cannot mark window ending " + end + " published", e);
        }
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
            Map<String, SensorCounts> counts = new TreeMap<>();
            scanSensors(jedis, (sensor, entry) -> counts.put(sensor, entry.counts()));
            return counts;
        });
    }

    /** Every record counted late, ever: a counter, exact whatever the trim forgot. */
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

    /**
     * Coefficients of one kind currently stored in windows (not late), over the windows kept (within the retention):
     * the counts of their aggregates, plus those waiting for the first proxy.
     */
    public long storedCount(CoefficientKind kind) {
        return withJedis(jedis -> {
            long count = jedis.hlen(key(kind, "pending"));
            String suffix = ":" + kind.label();
            for (Map.Entry<String, String> field : jedis.hgetAll(key("window:aggregates")).entrySet()) {
                if (field.getKey().endsWith(suffix)) {
                    count += AggregateEncoding.decode(field.getValue()).count();
                }
            }
            return count;
        });
    }

    @Override
    public void trim(long windowsBeforeMillis, long resultsBeforeMillis, Duration sensorlessRetention,
                     Duration sensorIdle) {
        List<String> args = List.of(Long.toString(windowsBeforeMillis), Long.toString(resultsBeforeMillis),
                Long.toString(sensorlessRetention.toMillis()), Long.toString(sensorIdle.toMillis()),
                Integer.toString(TRIM_CHUNK));
        long more;
        do {
            more = withJedis(jedis -> (Long) evalScript(jedis, TRIM, args));
        } while (more == 1L);
    }

    /** How many keys there are under this store's prefix (what {@link #deleteAll()} would delete). */
    public long keyCount() {
        return scanKeys((jedis, page) -> (long) page.size());
    }

    /** Deletes every key under this store's prefix (tests, {@code meteo reset}). */
    public long deleteAll() {
        return scanKeys((jedis, page) -> jedis.del(page.toArray(String[]::new)));
    }

    private long scanKeys(BiFunction<Jedis, List<String>, Long> perPage) {
        return withJedis(jedis -> {
            long total = 0;
            ScanParams params = new ScanParams().match(prefix + "*").count(500);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(cursor, params);
                if (!page.getResult().isEmpty()) {
                    total += perPage.apply(jedis, page.getResult());
                }
                cursor = page.getCursor();
            } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
            return total;
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
