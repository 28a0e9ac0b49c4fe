package dev.meteo.cli.status;

import dev.meteo.store.SensorCounts;

import dev.meteo.cli.metrics.QueueProbe.QueueDepth;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deployment at one moment, and what is wrong with it. Any field may be unknown ({@code null}, or an empty list)
 * when its source could not be asked; such a source is then named in {@link #problems()} or {@link #notes()}.
 *
 * @param mode             {@code grpc} or {@code rabbit}
 * @param atMillis         when (the store's clock, epoch ms)
 * @param activeProxy      the lease holder (aggregator id / nonce), {@code null} when none
 * @param standbyProxies   the other proxies that asked for the lease lately
 * @param closedUpTo       end (epoch ms) of the last closed window, {@code null} before the first
 * @param publishedUpTo    end (epoch ms) of the last published window
 * @param windowMillis     the deployment's window size, as its first proxy wrote it in Redis; {@code null} before
 * @param graceMillis      the deployment's grace, as its first proxy wrote it in Redis; {@code null} before
 * @param servers          compute servers (direct: the load balancer's registry), {@code null} when unknown
 * @param terminals        terminals (direct: the proxies' registries), {@code null} when unknown
 * @param queues           RabbitMQ queues (indirect)
 * @param redisMemoryBytes Redis {@code used_memory}, {@code null} when unknown
 * @param recordsPerSecond records classified (stored, late or rejected) per second lately, {@code null} when unknown
 * @param records          the deployment's records stored in a window, late and rejected, added over its sensors
 *                         (Redis's per-sensor counts, which the demo's and the bench's accounting read too);
 *                         {@code null} when Redis cannot be read
 * @param problems         what is wrong: a health check fails when this is not empty
 * @param notes            what could not be checked, or looks odd but is not wrong
 */
public record DeploymentStatus(String mode, long atMillis, String activeProxy, List<String> standbyProxies,
                               Long closedUpTo, Long publishedUpTo, Long windowMillis, Long graceMillis,
                               List<Peer> servers, List<Peer> terminals,
                               List<QueueDepth> queues, Long redisMemoryBytes, Double recordsPerSecond,
                               SensorCounts records, List<String> problems, List<String> notes) {

    /**
     * A compute server or a terminal as its registry sees it.
     *
     * @param id      its id
     * @param address {@code host:port}
     * @param live    in the rotation (a server), its last call succeeded (a terminal)
     * @param detail  records sent to it (a server), its last window (a terminal), or why it is not live
     */
    public record Peer(String id, String address, boolean live, String detail) {
    }

    public DeploymentStatus {
        standbyProxies = List.copyOf(standbyProxies);
        queues = List.copyOf(queues);
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }

    public boolean healthy() {
        return problems.isEmpty();
    }

    /** How far the closed horizon is behind {@link #atMillis()}, in ms; {@code null} before the first window. */
    public Long closeLagMillis() {
        return closedUpTo == null ? null : atMillis - closedUpTo;
    }

    public Long publishLagMillis() {
        return publishedUpTo == null ? null : atMillis - publishedUpTo;
    }

    /** The status as text, one fact a line, times in {@code zone}. */
    public List<String> lines(ZoneId zone) {
        DateTimeFormatter time = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(zone);
        List<String> lines = new ArrayList<>();
        lines.add("Meteo deployment (" + mode + ") at " + time.format(Instant.ofEpochMilli(atMillis)) + ": "
                + (healthy() ? "HEALTHY" : "UNHEALTHY"));
        lines.add("  active proxy      " + (activeProxy == null ? "none: no proxy holds the lease" : activeProxy)
                + (standbyProxies.isEmpty() ? "" : "; standbys " + String.join(", ", standbyProxies)));
        lines.add("  last closed       " + window(closedUpTo, closeLagMillis(), time));
        lines.add("  last published    " + window(publishedUpTo, publishLagMillis(), time));
        lines.add("  windows           " + (windowMillis == null ? "?" : seconds(windowMillis)) + ", grace "
                + (graceMillis == null ? "?" : seconds(graceMillis)) + " (the deployment's, set by its first proxy)");
        if (servers != null) {
            lines.add("  compute servers   " + servers.stream().filter(Peer::live).count() + " live of " + servers.size());
            servers.forEach(peer -> lines.add("    " + peer(peer)));
        }
        if (terminals != null) {
            lines.add("  terminals         " + terminals.stream().filter(Peer::live).count() + " receiving of "
                    + terminals.size());
            terminals.forEach(peer -> lines.add("    " + peer(peer)));
        }
        for (QueueDepth queue : queues) {
            lines.add(String.format(Locale.ROOT, "  queue %-40s %s", queue.name(), queue.exists()
                    ? queue.messages() + " ready, " + queue.consumers() + (queue.consumers() == 1 ? " consumer" : " consumers") : "does not exist"));
        }
        lines.add("  records           " + (records == null ? "?" : "stored " + records.stored() + ", late "
                + records.late() + ", rejected " + records.rejected()));
        lines.add("  records/s         " + (recordsPerSecond == null ? "?" : String.format(Locale.ROOT, "%.1f", recordsPerSecond)));
        lines.add("  Redis memory      " + (redisMemoryBytes == null ? "?" : String.format(Locale.ROOT, "%.1f MiB",
                redisMemoryBytes / 1048576.0)));
        problems.forEach(problem -> lines.add("  PROBLEM: " + problem));
        notes.forEach(note -> lines.add("  note: " + note));
        return lines;
    }

    private static String window(Long end, Long lagMillis, DateTimeFormatter time) {
        if (end == null) {
            return "none yet";
        }
        return "window ending " + time.format(Instant.ofEpochMilli(end)) + ", "
                + String.format(Locale.ROOT, "%.1f s", lagMillis / 1000.0) + " ago";
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static String peer(Peer peer) {
        return String.format(Locale.ROOT, "%-8s %-28s %-22s %s", peer.live() ? "live" : "DOWN", peer.id(),
                peer.address(), peer.detail() == null ? "" : peer.detail());
    }

    /** The status as a JSON-ready map (the web page's health panel, {@code meteo status --json}). */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("mode", mode);
        map.put("healthy", healthy());
        map.put("at_ms", atMillis);
        map.put("active_proxy", activeProxy);
        map.put("standby_proxies", standbyProxies);
        map.put("closed_up_to_ms", closedUpTo);
        map.put("close_lag_ms", closeLagMillis());
        map.put("published_up_to_ms", publishedUpTo);
        map.put("publish_lag_ms", publishLagMillis());
        map.put("window_ms", windowMillis);
        map.put("grace_ms", graceMillis);
        map.put("servers", servers == null ? null : servers.stream().map(DeploymentStatus::peerMap).toList());
        map.put("terminals", terminals == null ? null : terminals.stream().map(DeploymentStatus::peerMap).toList());
        map.put("queues", queues.stream().map(queue -> Map.of("name", queue.name(), "exists", queue.exists(),
                "messages", queue.messages(), "consumers", queue.consumers())).toList());
        map.put("redis_memory_bytes", redisMemoryBytes);
        map.put("records_per_second", recordsPerSecond);
        map.put("records_stored", records == null ? null : records.stored());
        map.put("records_late", records == null ? null : records.late());
        map.put("records_rejected", records == null ? null : records.rejected());
        map.put("problems", problems);
        map.put("notes", notes);
        return map;
    }

    private static Map<String, Object> peerMap(Peer peer) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", peer.id());
        map.put("address", peer.address());
        map.put("live", peer.live());
        map.put("detail", peer.detail());
        return map;
    }
}
