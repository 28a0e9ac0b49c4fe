package dev.meteo.cli.status;

import dev.meteo.cli.metrics.QueueProbe.QueueDepth;
import dev.meteo.cli.metrics.QueueProbe;
import dev.meteo.grpc.Endpoint;
import dev.meteo.grpc.GrpcTlsSettings;
import dev.meteo.grpc.Registries;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.topology.Topology;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;
import dev.meteo.store.SensorCounts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Collects a {@link DeploymentStatus}: from Redis the lease holder and the proxies that asked for it lately, the
 * horizons, the deployment's window size and grace (written by its first proxy: nobody tells the probe), the records
 * classified so far and the memory used; in direct mode the load balancer's and the proxies'
 * registries; in indirect mode the depth and consumers of the work queue, the dead-letter queue and the named
 * terminals' queues. Records/s is the rate between this collection and the previous one. Blocks up to a few seconds
 * per unreachable peer. Not thread-safe: one caller at a time.
 */
public final class StatusProbe implements AutoCloseable {

    /** How long a call to a registry may take. */
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(2);
    /**
     * A proxy asks for the lease every poll interval (the launcher's: 200 ms, at most a third of the lease), a little
     * later when a step takes long (a publish waiting for a slow terminal): one silent for longer than this is gone.
     */
    private static final Duration ASKS_WITHIN = Duration.ofSeconds(3);

    /**
     * What to ask.
     *
     * @param mode        {@code grpc} or {@code rabbit}
     * @param redis       the deployment's store
     * @param rabbit      the broker and names (indirect mode), else {@code null}
     * @param balancer    the load balancer (direct mode), {@code null} to skip the compute servers
     * @param proxies     the proxies' registries (direct mode), the active one and its standbys
     * @param terminalIds terminals whose queue to check (indirect mode: queues cannot be listed over AMQP)
     * @param grpcTls     how to call the registries (direct mode): plaintext, TLS or mutual TLS
     */
    public record Target(String mode, RedisSettings redis, RabbitSettings rabbit, Endpoint balancer,
                         List<Endpoint> proxies, List<String> terminalIds, GrpcTlsSettings grpcTls) {
        public Target {
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(redis, "redis");
            Objects.requireNonNull(grpcTls, "grpcTls");
            proxies = List.copyOf(proxies);
            terminalIds = List.copyOf(terminalIds);
        }
    }

    private final Target target;
    private final RedisMeteoStore store;
    private final QueueProbe queues;
    private long previousAt = -1;
    private long previousClassified;

    public StatusProbe(Target target) {
        this.target = target;
        this.store = new RedisMeteoStore(target.redis());
        this.queues = target.rabbit() == null ? null : new QueueProbe(target.rabbit(), target.rabbit().namePrefix() + "-status");
    }

    /** The deployment now; never throws for an unreachable peer (it is a problem in the result). */
    public DeploymentStatus collect() {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        long now;
        String holder;
        List<String> standbys = new ArrayList<>();
        Long closed;
        Long published;
        Long windowMillis;
        Long graceMillis;
        Long memory;
        Double rate = null;
        SensorCounts records;
        try {
            now = store.timeMillis();
            holder = store.leaseHolder();
            Map<String, Long> asking = store.proxiesSeen(ASKS_WITHIN);
            for (String proxy : asking.keySet()) {
                if (!proxy.equals(holder)) {
                    standbys.add(proxy);
                }
            }
            if (holder != null && !asking.containsKey(holder)) {
                notes.add("the active proxy " + holder + " has not renewed its lease for " + ASKS_WITHIN.toSeconds()
                        + " s: it may be dead or stuck (a standby takes over when the lease runs out)");
            }
            closed = horizon(store.closedHorizon());
            published = horizon(store.publishedHorizon());
            long size = store.windowSizeMillis();
            long grace = store.graceMillis();
            windowMillis = size > 0 ? size : null;
            graceMillis = grace >= 0 ? grace : null;
            memory = store.usedMemoryBytes();
            long stored = 0;
            long late = 0;
            long rejected = 0;
            for (SensorCounts counts : store.sensorCounts().values()) {
                stored += counts.stored();
                late += counts.late();
                rejected += counts.rejected();
            }
            records = new SensorCounts(stored, late, rejected);
            long classified = stored + late + rejected;
            if (previousAt >= 0 && now > previousAt) {
                rate = (classified - previousClassified) * 1000.0 / (now - previousAt);
            }
            previousAt = now;
            previousClassified = classified;
        } catch (RuntimeException e) {
            problems.add("Redis at " + target.redis().redactedUri() + " (prefix " + target.redis().keyPrefix()
                    + ") cannot be read: " + e.getMessage());
            return new DeploymentStatus(target.mode(), System.currentTimeMillis(), null, List.of(), null, null, null,
                    null, null, null, List.of(), null, null, null, problems, notes);
        }
        if (holder == null) {
            problems.add("no proxy holds the lease: no window closes (start 'meteo proxy'; a standby takes over "
                    + "within its --lease)");
        }
        if (closed == null) {
            notes.add("no window closed yet (a deployment that has just started)");
        } else if (windowMillis == null || graceMillis == null) {
            notes.add("the deployment's " + (windowMillis == null ? "window size" : "grace") + " is not in Redis (its "
                    + "proxies predate it; the next proxy started records it): whether a window is late to close is "
                    + "not checked");
        } else {
            long lateAfter = graceMillis + 2 * windowMillis + 2_000;
            if (now - closed > lateAfter) {
                problems.add("a window is late to close: the last one closed ended " + seconds(now - closed)
                        + " ago, more than grace + 2 windows + 2 s (" + seconds(lateAfter) + ")");
            }
        }
        if (closed != null && published != null && windowMillis != null && closed - published > 2 * windowMillis + 2_000) {
            problems.add("closed windows wait to be published: published up to " + Instant.ofEpochMilli(published)
                    + ", closed up to " + Instant.ofEpochMilli(closed) + " (no terminal takes them?)");
        }
        List<DeploymentStatus.Peer> servers = null;
        List<DeploymentStatus.Peer> terminals = null;
        List<QueueDepth> depths = new ArrayList<>();
        if (target.rabbit() == null) {
            servers = servers(problems);
            terminals = terminals(notes);
        } else {
            depths = queues(problems, notes);
        }
        return new DeploymentStatus(target.mode(), now, holder, standbys, closed, published, windowMillis, graceMillis,
                servers, terminals, depths, memory, rate, records, problems, notes);
    }

    private List<DeploymentStatus.Peer> servers(List<String> problems) {
        if (target.balancer() == null) {
            return null;
        }
        try {
            List<DeploymentStatus.Peer> servers = Registries.servers(target.balancer(), target.grpcTls(), CALL_DEADLINE).stream()
                    .map(server -> new DeploymentStatus.Peer(server.id(), server.address(), server.live(),
                            server.live() ? server.calls() + " records sent" : server.problem()))
                    .toList();
            if (servers.stream().noneMatch(DeploymentStatus.Peer::live)) {
                problems.add("no live compute server: the load balancer at " + target.balancer() + " knows "
                        + servers.size() + ", none in its rotation (start 'meteo server')");
            }
            return servers;
        } catch (RuntimeException e) {
            problems.add("the load balancer at " + target.balancer() + " cannot be reached: " + e.getMessage());
            return null;
        }
    }

    /** Every proxy's registry, merged by terminal id (a terminal registers with each). */
    private List<DeploymentStatus.Peer> terminals(List<String> notes) {
        Map<String, DeploymentStatus.Peer> byId = new LinkedHashMap<>();
        boolean anyAnswered = false;
        for (Endpoint proxy : target.proxies()) {
            try {
                Registries.terminals(proxy, target.grpcTls(), CALL_DEADLINE).forEach(terminal -> byId.merge(terminal.id(),
                        new DeploymentStatus.Peer(terminal.id(), terminal.address(), terminal.live(), terminal.live()
                                ? (terminal.lastEndMillis() > 0 ? "holds up to " + Instant.ofEpochMilli(terminal.lastEndMillis()) : "")
                                : terminal.problem()),
                        (first, second) -> first.live() ? first : second));
                anyAnswered = true;
            } catch (RuntimeException e) {
                notes.add("the proxy registry at " + proxy + " cannot be reached (" + e.getMessage() + ")");
            }
        }
        return anyAnswered ? new ArrayList<>(byId.values()) : null;
    }

    private List<QueueDepth> queues(List<String> problems, List<String> notes) {
        Topology topology = new Topology(target.rabbit());
        List<String> names = new ArrayList<>(List.of(topology.workQueue(), topology.deadLetterQueue()));
        target.terminalIds().forEach(id -> names.add(topology.terminalQueue(id)));
        List<QueueDepth> depths;
        try {
            depths = queues.depths(names);
        } catch (RuntimeException e) {
            problems.add("RabbitMQ at " + target.rabbit().redactedUri() + " cannot be reached: " + e.getMessage());
            return List.of();
        }
        QueueDepth work = depths.get(0);
        if (!work.exists()) {
            problems.add("the work queue " + work.name() + " does not exist: no sensor or compute server ever ran "
                    + "with --rabbit-prefix " + target.rabbit().namePrefix());
        } else if (work.consumers() == 0) {
            problems.add("no live compute server: nothing consumes " + work.name() + " (start 'meteo server --mode rabbit')");
        }
        for (QueueDepth terminal : depths.subList(2, depths.size())) {
            if (!terminal.exists() || terminal.consumers() == 0) {
                notes.add("no terminal consumes " + terminal.name() + (terminal.exists() ? "" : " (it does not exist)"));
            }
        }
        return depths;
    }

    private static Long horizon(long millis) {
        return millis == Long.MIN_VALUE ? null : millis;
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    @Override
    public void close() {
        store.close();
        if (queues != null) {
            queues.close();
        }
    }
}
