package dev.meteo.testing;

import redis.clients.jedis.Jedis;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real {@code redis-server} of a test's own, on a free loopback port: for the faults a test must cause (kill the
 * primary, restart without persistence, a Sentinel set, a cluster) without touching the shared Redis. Its files go in
 * the folder given. {@link #available()} tells whether {@code redis-server} is on the PATH (tests skip otherwise).
 */
public final class RedisProcess implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final int tlsPort;
    private final List<String> arguments;
    /** The default user's password ({@code requirepass}), or {@code null}: the test's own connections give it. */
    private final String password;
    private Process process;

    private RedisProcess(Path dir, int port, int tlsPort, List<String> arguments) {
        this(dir, port, tlsPort, arguments, null);
    }

    private RedisProcess(Path dir, int port, int tlsPort, List<String> arguments, String password) {
        this.dir = dir;
        this.port = port;
        this.tlsPort = tlsPort;
        this.arguments = List.copyOf(arguments);
        this.password = password;
    }

    /** Whether {@code redis-server} can be started here. */
    public static boolean available() {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(folder -> Files.isExecutable(Path.of(folder, "redis-server")));
    }

    /** A free loopback port now (another process could take it before it is bound: tests only). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a server with these extra arguments (e.g. {@code --appendonly yes}) and waits until it answers. */
    public static RedisProcess start(Path dir, String... extra) {
        int port = freePort();
        List<String> arguments = new ArrayList<>(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--dir", dir.toString(), "--dbfilename", "dump-" + port + ".rdb",
                "--appendfilename", "appendonly-" + port + ".aof"));
        arguments.addAll(List.of(extra));
        RedisProcess redis = new RedisProcess(dir, port, 0, arguments);
        redis.launch();
        return redis;
    }

    /**
     * Starts a server that also listens with TLS on a port of its own ({@link #tlsPort()}), presenting
     * {@code certificate}; clients need no certificate. The plaintext port stays for the test's own checks (readiness,
     * set-up). Fails the test if this {@code redis-server} was built without TLS.
     */
    public static RedisProcess startWithTls(Path dir, TestCertificates.Issued certificate, Path ca, String... extra) {
        int port = freePort();
        int tlsPort = freePort();
        List<String> arguments = new ArrayList<>(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--dir", dir.toString(), "--dbfilename", "dump-" + port + ".rdb",
                "--tls-port", String.valueOf(tlsPort), "--tls-cert-file", certificate.certificate().toString(),
                "--tls-key-file", certificate.key().toString(), "--tls-ca-cert-file", ca.toString(),
                "--tls-auth-clients", "no"));
        arguments.addAll(List.of(extra));
        RedisProcess redis = new RedisProcess(dir, port, tlsPort, arguments);
        redis.launch();
        return redis;
    }

    /** A replica of {@code primary}, started and answering (it syncs in the background). */
    public static RedisProcess replicaOf(RedisProcess primary, Path dir) {
        return start(dir, "--replicaof", "127.0.0.1", String.valueOf(primary.port()));
    }

    /** A Sentinel watching {@code primary} under {@code name}, deciding a failover after 1 s without an answer. */
    public static RedisProcess sentinel(Path dir, RedisProcess primary, String name, int quorum) {
        int port = freePort();
        Path config = dir.resolve("sentinel-" + port + ".conf");
        try {
            Files.writeString(config, String.join("\n",
                    "port " + port, "bind 127.0.0.1", "dir " + dir,
                    "sentinel monitor " + name + " 127.0.0.1 " + primary.port() + " " + quorum,
                    "sentinel down-after-milliseconds " + name + " 1000",
                    "sentinel failover-timeout " + name + " 3000",
                    "sentinel parallel-syncs " + name + " 1") + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RedisProcess sentinel = new RedisProcess(dir, port, 0, List.of(config.toString(), "--sentinel"));
        sentinel.launch();
        return sentinel;
    }

    /**
     * A primary that requires {@code password} of the default user ({@code requirepass}) and, when
     * {@code certificate} is given, also listens with TLS on {@link #tlsPort()} presenting it (clients need none).
     * The test's own connections ({@link #connect()}) give the password on the plaintext port.
     */
    public static RedisProcess startSecured(Path dir, String password, TestCertificates.Issued certificate, Path ca) {
        int port = freePort();
        int tlsPort = certificate == null ? 0 : freePort();
        List<String> arguments = new ArrayList<>(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--dir", dir.toString(), "--dbfilename", "dump-" + port + ".rdb",
                "--requirepass", password, "--masterauth", password));
        if (certificate != null) {
            arguments.addAll(tlsArguments(tlsPort, certificate, ca));
        }
        RedisProcess redis = new RedisProcess(dir, port, tlsPort, arguments, password);
        redis.launch();
        return redis;
    }

    private static List<String> tlsArguments(int tlsPort, TestCertificates.Issued certificate, Path ca) {
        return List.of("--tls-port", String.valueOf(tlsPort), "--tls-cert-file", certificate.certificate().toString(),
                "--tls-key-file", certificate.key().toString(), "--tls-ca-cert-file", ca.toString(),
                "--tls-auth-clients", "no", "--tls-replication", "yes");
    }

    /**
     * A Sentinel watching a primary started with {@link #startSecured}: it gives the primary its password and, when
     * {@code certificate} is given, listens with TLS too ({@link #tlsPort()}) and watches the primary's TLS port, so
     * that it names that port to clients ({@code rediss-sentinel://}). The Sentinel itself asks no password.
     */
    public static RedisProcess securedSentinel(Path dir, RedisProcess primary, String name,
                                               TestCertificates.Issued certificate, Path ca) {
        int port = freePort();
        int tlsPort = certificate == null ? 0 : freePort();
        Path config = dir.resolve("sentinel-" + port + ".conf");
        List<String> lines = new ArrayList<>(List.of("port " + port, "bind 127.0.0.1", "dir " + dir,
                "sentinel monitor " + name + " 127.0.0.1 " + (certificate == null ? primary.port() : primary.tlsPort()) + " 1",
                "sentinel auth-pass " + name + " " + primary.password,
                "sentinel down-after-milliseconds " + name + " 1000",
                "sentinel failover-timeout " + name + " 3000"));
        if (certificate != null) {
            lines.addAll(List.of("tls-port " + tlsPort, "tls-cert-file " + certificate.certificate(),
                    "tls-key-file " + certificate.key(), "tls-ca-cert-file " + ca, "tls-auth-clients no",
                    "tls-replication yes"));
        }
        try {
            Files.writeString(config, String.join("\n", lines) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RedisProcess sentinel = new RedisProcess(dir, port, tlsPort, List.of(config.toString(), "--sentinel"));
        sentinel.launch();
        return sentinel;
    }

    /**
     * A cluster of {@code primaries} primaries (no replicas), every slot assigned, answering: started with
     * {@code redis-cli --cluster create}. Returns its nodes; connect with
     * {@code redis-cluster://127.0.0.1:<port>,...}.
     */
    public static List<RedisProcess> cluster(Path dir, int primaries) throws IOException, InterruptedException {
        return cluster(dir, primaries, null, null, null);
    }

    /**
     * As {@link #cluster(Path, int)}, every node requiring {@code password} (when not {@code null}) and, when
     * {@code certificate} is given, serving TLS on its {@link #tlsPort()} and between nodes, so that a TLS client is
     * told the nodes' TLS ports: connect with {@code rediss-cluster://:PASSWORD@127.0.0.1:<tlsPort>,...}.
     */
    public static List<RedisProcess> cluster(Path dir, int primaries, String password,
                                             TestCertificates.Issued certificate, Path ca)
            throws IOException, InterruptedException {
        List<RedisProcess> nodes = new ArrayList<>();
        for (int i = 0; i < primaries; i++) {
            int port = freePort();
            int tlsPort = certificate == null ? 0 : freePort();
            List<String> arguments = new ArrayList<>(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--save", "", "--dir", dir.toString(), "--dbfilename", "dump-" + port + ".rdb",
                    "--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
                    "--cluster-node-timeout", "2000"));
            if (password != null) {
                arguments.addAll(List.of("--requirepass", password, "--masterauth", password));
            }
            if (certificate != null) {
                arguments.addAll(tlsArguments(tlsPort, certificate, ca));
                arguments.addAll(List.of("--tls-cluster", "yes"));
            }
            RedisProcess node = new RedisProcess(dir, port, tlsPort, arguments, password);
            node.launch();
            nodes.add(node);
        }
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        nodes.forEach(node -> create.add("127.0.0.1:" + (certificate == null ? node.port() : node.tlsPort())));
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        if (certificate != null) {
            create.addAll(List.of("--tls", "--cacert", ca.toString()));
        }
        if (password != null) {
            create.addAll(List.of("-a", password, "--no-auth-warning"));
        }
        Process process = new ProcessBuilder(create).redirectErrorStream(true)
                .redirectOutput(dir.resolve("cluster-create.log").toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("redis-cli --cluster create failed: see " + dir.resolve("cluster-create.log"));
        }
        // Every node must see every slot served: one node's "ok" comes before the others have heard of it.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            for (RedisProcess node : nodes) {
                try (Jedis jedis = node.connect()) {
                    if (!jedis.clusterInfo().contains("cluster_state:ok")) {
                        return false;
                    }
                }
            }
            return true;
        });
        return nodes;
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of("redis-server"));
        command.addAll(arguments);
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis-" + port + ".log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server: " + e.getMessage(), e);
        }
        await().atMost(Duration.ofSeconds(20))
                .failFast("redis-server exited: see " + dir.resolve("redis-" + port + ".log"), () -> !process.isAlive())
                .ignoreExceptions().until(() -> {
            try (Jedis jedis = connect()) {
                return "PONG".equals(jedis.ping());
            }
        });
    }

    public int port() {
        return port;
    }

    /** The TLS port of a server started with {@link #startWithTls}, else 0. */
    public int tlsPort() {
        return tlsPort;
    }

    /** {@code redis://127.0.0.1:<port>/0}. */
    public String uri() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    /** A connection to this server's plaintext port, authenticated when it requires a password (the caller closes it). */
    public Jedis connect() {
        Jedis jedis = new Jedis("127.0.0.1", port, 2_000);
        if (password != null) {
            try {
                jedis.auth(password);
            } catch (RuntimeException e) {
                jedis.close();
                throw e;
            }
        }
        return jedis;
    }

    /**
     * Makes this server full, as under a load spike: another tenant's key of {@code bytes}, then {@code maxmemory}
     * set below what the server uses. Start the server with {@code --maxmemory-policy noeviction} for writes to be
     * refused ({@code OOM}) rather than keys evicted. {@link #freeMemory()} deletes that key.
     */
    public void fillMemory(int bytes) {
        try (Jedis jedis = connect()) {
            jedis.configSet("maxmemory", "0");
            // in small pieces: a write's query buffer counts in used_memory until Redis shrinks it, and one of a
            // megabyte would make the limit set below meaningless once it is gone
            String piece = "x".repeat(16 * 1024);
            for (int written = 0; written < bytes; written += piece.length()) {
                jedis.append(FILLER, piece);
            }
            jedis.configSet("maxmemory", Long.toString(usedMemory(jedis) - bytes / 4));
        }
    }

    /** Deletes the key {@link #fillMemory} added: memory is free again, whatever {@code maxmemory} says. */
    public void freeMemory() {
        try (Jedis jedis = connect()) {
            jedis.del(FILLER);
        }
    }

    private static final String FILLER = "another-tenant";

    private static long usedMemory(Jedis jedis) {
        for (String line : jedis.info("memory").split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).strip());
            }
        }
        throw new IllegalStateException("redis-server reports no used_memory");
    }

    /** SIGKILL, as a crash: nothing is flushed that was not already. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Starts the server again, same port and arguments (its files decide what it remembers). */
    public void restart() {
        launch();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
