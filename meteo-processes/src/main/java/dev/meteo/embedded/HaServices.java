package dev.meteo.embedded;

import dev.meteo.process.Watchdog;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The services of the HA topology, started from the machine's own {@code redis-server} and {@code rabbitmq-server} and
 * listening on one address (the network-namespace bridge's, so every host reaches them): a Redis primary and a replica
 * under three Sentinels ({@code redis-sentinel://}), and a RabbitMQ cluster of three nodes ({@code amqp://} naming all
 * three; the queues are quorum queues, replicated over them). The nemesis loses a store node with
 * {@link #killRedisPrimary()} and {@link #killRabbitNode(String)}, and brings it back with {@link #restart(String)}:
 * the old primary returns as a replica (the Sentinels reconfigure it), a RabbitMQ node rejoins its cluster.
 *
 * <p>Data, logs and each node's Erlang cookie live under the directory given, so nothing meets the machine's own
 * broker. Closing kills every process started here; when the JVM dies without closing (SIGKILL), a {@link Watchdog}
 * kills them.
 */
public final class HaServices implements AutoCloseable {

    /** The Sentinels' name of the primary. */
    public static final String PRIMARY_NAME = "meteo";
    /** The broker user every role connects as (RabbitMQ lets {@code guest} in from its own host only). */
    static final String RABBIT_USER = "meteo";

    private static final Path RABBIT_SCRIPTS = Path.of("/usr/lib/rabbitmq/bin");
    /** procps' kill, which signals a process group (dash's built-in does not). */
    private static final String KILL_GROUP = "/bin/kill";
    private static final long START_SECONDS = 120;

    private final String address;
    private final Path dir;
    private final List<Node> redis = new ArrayList<>();
    private final List<Node> sentinels = new ArrayList<>();
    private final List<Node> rabbits = new ArrayList<>();
    private final Path pids;
    private final Watchdog watchdog;

    /** A process this started, and how to start it again. */
    private static final class Node {
        final String name;
        final int port;
        final List<String> command;
        final Map<String, String> environment;
        final Path log;
        Process process;

        Node(String name, int port, List<String> command, Map<String, String> environment, Path log) {
            this.name = name;
            this.port = port;
            this.command = List.copyOf(command);
            this.environment = Map.copyOf(environment);
            this.log = log;
        }

        /**
         * Starts the node in a session of its own (a process group: the script, its Erlang VM, their helpers) and
         * writes its pid where the watchdog finds it. Its own session also keeps the terminal's Ctrl-C from it: the
         * demo stops the roles first, then the stores.
         */
        void launch(Path pids) {
            List<String> line = new ArrayList<>(List.of("setsid"));
            line.addAll(command);
            ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            try {
                process = builder.start();
                Files.writeString(pids.resolve(name + ".pid"), process.pid() + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
            }
        }

        void kill(Path pids) throws InterruptedException {
            if (process == null) {
                return;
            }
            try {
                Files.deleteIfExists(pids.resolve(name + ".pid"));
            } catch (IOException e) {
                // the watchdog would kill a group that is gone: harmless
            }
            // its process group, as the watchdog would: rabbitmq-server is a script whose Erlang VM is its child
            try {
                new ProcessBuilder(KILL_GROUP, "-s", "KILL", "--", "-" + process.pid())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                        .waitFor(30, TimeUnit.SECONDS);
            } catch (IOException e) {
                // no procps kill: the node itself, below, at least
            }
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        boolean alive() {
            return process != null && process.isAlive();
        }
    }

    private HaServices(String address, Path dir) throws IOException {
        this.address = address;
        this.dir = dir;
        this.pids = Files.createDirectories(dir.resolve("pids"));
        // a JVM killed with SIGKILL cannot close this: the watchdog kills every node's process group then
        this.watchdog = Watchdog.start("for f in \"$0\"/*.pid; do [ -f \"$f\" ] && \"$1\" -s KILL -- -\"$(cat \"$f\")\"; "
                + "done", pids.toString(), KILL_GROUP);
    }

    /**
     * Why the HA services cannot start here, or {@code null} when they can: they need {@code redis-server} on the PATH
     * and RabbitMQ's scripts where Debian puts them.
     */
    public static String unavailable() {
        if (!onPath("redis-server")) {
            return "redis-server is not on the PATH";
        }
        if (!onPath("setsid")) {
            return "util-linux's setsid is not on the PATH";
        }
        if (!Files.isExecutable(RABBIT_SCRIPTS.resolve("rabbitmq-server"))) {
            return "rabbitmq-server is not installed in " + RABBIT_SCRIPTS;
        }
        return null;
    }

    private static boolean onPath(String program) {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(folder, program))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts every service listening on {@code address} (and loopback), data and logs under {@code dir}, and returns
     * once the Sentinels know the replica and, {@code withRabbit}, the three RabbitMQ nodes run as one cluster.
     */
    public static HaServices start(String address, Path dir, boolean withRabbit)
            throws IOException, InterruptedException {
        HaServices services = new HaServices(address, Files.createDirectories(dir));
        try {
            services.startRedis();
            if (withRabbit) { // three Erlang VMs that direct mode would not use
                services.startRabbit();
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            services.close();
            throw e;
        }
        return services;
    }

    private void startRedis() throws InterruptedException {
        Path redisDir = dir.resolve("redis");
        mkdirs(redisDir);
        for (int i = 1; i <= 2; i++) {
            int port = freePort();
            Path nodeDir = redisDir.resolve("redis-" + i);
            mkdirs(nodeDir);
            List<String> command = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port),
                    "--bind", address + " 127.0.0.1", "--protected-mode", "no", "--save", "",
                    // as docs/guarantees.md asks of every node: a node killed and started again reloads what it had
                    "--appendonly", "yes", "--appendfsync", "everysec", "--dir", nodeDir.toString(),
                    "--replica-announce-ip", address));
            if (i == 2) {
                command.addAll(List.of("--replicaof", address, String.valueOf(redis.get(0).port)));
            }
            Node node = new Node("redis-" + i, port, command, Map.of(), redisDir.resolve("redis-" + i + ".log"));
            node.launch(pids);
            awaitPing(node);
            redis.add(node);
        }
        for (int i = 1; i <= 3; i++) {
            int port = freePort();
            Path config = redisDir.resolve("sentinel-" + i + ".conf");
            write(config, String.join("\n", "port " + port, "bind " + address + " 127.0.0.1", "protected-mode no",
                    "dir " + redisDir, "sentinel announce-ip " + address,
                    "sentinel monitor " + PRIMARY_NAME + " " + address + " " + redis.get(0).port + " 2",
                    "sentinel down-after-milliseconds " + PRIMARY_NAME + " 1000",
                    "sentinel failover-timeout " + PRIMARY_NAME + " 3000",
                    "sentinel parallel-syncs " + PRIMARY_NAME + " 1") + "\n");
            Node sentinel = new Node("sentinel-" + i, port, List.of("redis-server", config.toString(), "--sentinel"),
                    Map.of(), redisDir.resolve("sentinel-" + i + ".log"));
            sentinel.launch(pids);
            awaitPing(sentinel);
            sentinels.add(sentinel);
        }
        await("the Sentinels to see the replica", () -> {
            try (Jedis sentinel = new Jedis(address, sentinels.get(0).port, 2_000)) {
                return !sentinel.sentinelReplicas(PRIMARY_NAME).isEmpty();
            }
        });
    }

    private void startRabbit() throws IOException, InterruptedException {
        Path home = dir.resolve("rabbit").resolve("home"); // one Erlang cookie for the three nodes
        mkdirs(home);
        String tag = Long.toString(ProcessHandle.current().pid());
        for (int i = 1; i <= 3; i++) {
            Path nodeDir = dir.resolve("rabbit").resolve("rabbit-" + i);
            mkdirs(nodeDir);
            int port = freePort();
            write(nodeDir.resolve("enabled_plugins"), "[].\n");
            write(nodeDir.resolve("rabbitmq.conf"), "listeners.tcp.1 = " + address + ":" + port + "\n"
                    + "listeners.tcp.2 = 127.0.0.1:" + port + "\n");
            String nodeName = "meteo-ha-" + i + "-" + tag + "@localhost";
            Map<String, String> environment = Map.of("HOME", home.toString(), "RABBITMQ_NODENAME", nodeName,
                    "RABBITMQ_NODE_PORT", String.valueOf(port), "RABBITMQ_DIST_PORT", String.valueOf(freePort()),
                    "RABBITMQ_MNESIA_BASE", nodeDir.resolve("mnesia").toString(),
                    "RABBITMQ_LOG_BASE", nodeDir.resolve("log").toString(),
                    "RABBITMQ_ENABLED_PLUGINS_FILE", nodeDir.resolve("enabled_plugins").toString(),
                    "RABBITMQ_CONFIG_FILE", nodeDir.resolve("rabbitmq").toString(),
                    "RABBITMQ_PID_FILE", nodeDir.resolve("pid").toString());
            Node node = new Node("rabbit-" + i, port, List.of(RABBIT_SCRIPTS.resolve("rabbitmq-server").toString()),
                    environment, nodeDir.resolve("stdout.log"));
            node.launch(pids);
            rabbits.add(node);
        }
        for (Node node : rabbits) {
            awaitRabbit(node);
        }
        Node seed = rabbits.get(0);
        for (Node node : rabbits.subList(1, rabbits.size())) {
            ctl(node, "stop_app");
            ctl(node, "join_cluster", seed.environment.get("RABBITMQ_NODENAME"));
            ctl(node, "start_app");
        }
        for (Node node : rabbits) {
            ctl(node, "await_startup");
        }
        ctl(seed, "add_user", RABBIT_USER, RABBIT_USER);
        ctl(seed, "set_permissions", "-p", "/", RABBIT_USER, ".*", ".*", ".*");
    }

    /** {@code redis-sentinel://address:s1,address:s2,address:s3/meteo}. */
    public String redisUri() {
        return "redis-sentinel://" + String.join(",", sentinels.stream().map(s -> address + ":" + s.port).toList())
                + "/" + PRIMARY_NAME;
    }

    /**
     * {@code amqp://meteo:meteo@address:p1,address:p2,address:p3/}: a role connects to the first node that answers.
     *
     * @throws IllegalStateException when started without RabbitMQ
     */
    public String rabbitUri() {
        if (rabbits.isEmpty()) {
            throw new IllegalStateException("these HA services run no RabbitMQ");
        }
        return "amqp://" + RABBIT_USER + ":" + RABBIT_USER + "@"
                + String.join(",", rabbits.stream().map(n -> address + ":" + n.port).toList()) + "/";
    }

    /** The RabbitMQ nodes' names, as the nemesis targets them: {@code rabbit-1 .. rabbit-3}. */
    public List<String> rabbitNodes() {
        return rabbits.stream().map(n -> n.name).toList();
    }

    /** The Redis node the Sentinels take for the primary now ({@code redis-1} or {@code redis-2}), or null. */
    public String redisPrimary() {
        for (Node sentinel : sentinels) {
            try (Jedis jedis = new Jedis(address, sentinel.port, 2_000)) {
                int port = Integer.parseInt(jedis.sentinelGetMasterAddrByName(PRIMARY_NAME).get(1));
                return redis.stream().filter(n -> n.port == port).map(n -> n.name).findFirst().orElse(null);
            } catch (RuntimeException unreachable) {
                // the next one
            }
        }
        return null;
    }

    /** SIGKILL to the Redis primary: returns its name; {@link #awaitRedisFailover} waits for the promotion. */
    public String killRedisPrimary() throws InterruptedException {
        String primary = redisPrimary();
        if (primary == null) {
            throw new IllegalStateException("no Sentinel names a primary");
        }
        node(primary).kill(pids);
        return primary;
    }

    /** Waits until the Sentinels name a primary other than {@code lost} (a failover takes a few seconds). */
    public void awaitRedisFailover(String lost) throws InterruptedException {
        await("the Sentinels to promote a replica", () -> {
            String now = redisPrimary();
            return now != null && !now.equals(lost);
        });
    }

    /** SIGKILL to RabbitMQ node {@code name}'s Erlang VM. */
    public void killRabbitNode(String name) throws InterruptedException {
        node(name).kill(pids);
    }

    /**
     * Starts node {@code name} again and waits until it serves: a Redis node is a replica of the new primary (the
     * Sentinels make it one) with its link to it up, a RabbitMQ node is back in its cluster.
     */
    public void restart(String name) throws IOException, InterruptedException {
        Node node = node(name);
        node.launch(pids);
        if (rabbits.contains(node)) {
            awaitRabbit(node);
            ctl(node, "await_startup");
        } else {
            awaitPing(node);
            await("the Sentinels to make " + name + " a replica, in sync", () -> {
                try (Jedis jedis = new Jedis(address, node.port, 2_000)) {
                    String replication = jedis.info("replication");
                    return replication.contains("role:slave") && replication.contains("master_link_status:up");
                }
            });
        }
    }

    private Node node(String name) {
        List<Node> all = new ArrayList<>(redis);
        all.addAll(rabbits);
        return all.stream().filter(n -> n.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service node " + name));
    }

    private void awaitPing(Node node) throws InterruptedException {
        await(node.name + " to answer (see " + node.log + ")", () -> {
            if (!node.alive()) {
                throw new IllegalStateException(node.name + " exited: see " + node.log);
            }
            try (Jedis jedis = new Jedis(address, node.port, 2_000)) {
                return "PONG".equals(jedis.ping());
            }
        });
    }

    private void awaitRabbit(Node node) throws InterruptedException {
        await(node.name + " to start (see " + node.log + ")", () -> {
            if (!node.alive()) {
                throw new IllegalStateException(node.name + " exited: see " + node.log);
            }
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new InetSocketAddress(address, node.port), 1_000);
                return true;
            }
        });
    }

    private void ctl(Node node, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(RABBIT_SCRIPTS.resolve("rabbitmqctl").toString(), "-n",
                node.environment.get("RABBITMQ_NODENAME")));
        command.addAll(List.of(arguments));
        Path log = node.log.resolveSibling("ctl.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("HOME", node.environment.get("HOME"));
        Process ctl = builder.start();
        String what = "rabbitmqctl " + String.join(" ", arguments) + " on " + node.name;
        if (!ctl.waitFor(START_SECONDS, TimeUnit.SECONDS)) {
            ctl.destroyForcibly();
            throw new IOException(what + " timed out: see " + log);
        }
        if (ctl.exitValue() != 0) {
            throw new IOException(what + " failed: see " + log);
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(String what, Condition condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(START_SECONDS);
        Exception last = null;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (IllegalStateException exited) {
                throw exited;
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("timed out waiting for " + what
                + (last == null ? "" : " (last: " + last.getMessage() + ")"));
    }

    private static int freePort() {
        try {
            return LoopbackPorts.free();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void mkdirs(Path folder) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills every process started here: the roles first, so that none is left talking to a store being removed. */
    @Override
    public void close() throws InterruptedException {
        List<Node> all = new ArrayList<>(sentinels);
        all.addAll(redis);
        all.addAll(rabbits);
        watchdog.dismiss();
        for (Node node : all) {
            node.kill(pids);
        }
    }

    @Override
    public String toString() {
        return "HaServices[" + address + ", " + (redis.size() + sentinels.size()) + " Redis processes, "
                + rabbits.size() + " RabbitMQ nodes]";
    }
}
