package dev.meteo.rabbit;

import dev.meteo.testing.TestCertificates;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A RabbitMQ node of a test's own: {@code rabbitmq-server} started from RabbitMQ's own scripts with its node name,
 * AMQP and distribution ports, data and logs under the test's directory, no plugins, and an Erlang cookie of its own
 * (HOME is the directory), so it never meets the machine's broker. {@link #cluster(Path, int)} joins several into
 * one cluster. {@link #kill()} is SIGKILL to the Erlang VM: a node lost at once, as a crashed host would be.
 * {@link #withTls} adds a TLS listener ({@code listeners.ssl}) presenting a certificate the test's CA signed.
 */
final class RabbitProcess implements AutoCloseable {

    private static final Path SCRIPTS = Path.of("/usr/lib/rabbitmq/bin");

    private final String node;
    private final int port;
    private final Path dir;
    private final Path home;
    private int sslPort;
    private TestCertificates.Issued certificate;
    private Path ca;
    private Process process;

    private RabbitProcess(String name, Path root) throws IOException {
        this.node = name + "@localhost";
        this.port = freePort();
        this.dir = Files.createDirectories(root.resolve(name));
        this.home = Files.createDirectories(root.resolve("home"));
    }

    /** Whether RabbitMQ's scripts are installed where Debian puts them. */
    static boolean available() {
        return Files.isExecutable(SCRIPTS.resolve("rabbitmq-server")) && Files.isExecutable(SCRIPTS.resolve("rabbitmqctl"));
    }

    /** {@code size} nodes started together and joined into one cluster, every one running. */
    static List<RabbitProcess> cluster(Path root, int size) throws IOException, InterruptedException {
        List<RabbitProcess> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            nodes.add(new RabbitProcess("meteo-node-" + i + "-" + ProcessHandle.current().pid(), root));
        }
        for (RabbitProcess node : nodes) {
            node.launch();
        }
        for (RabbitProcess node : nodes) {
            node.awaitRunning();
        }
        RabbitProcess seed = nodes.get(0);
        for (RabbitProcess node : nodes.subList(1, size)) {
            node.ctl("stop_app");
            node.ctl("join_cluster", seed.node);
            node.ctl("start_app");
        }
        for (RabbitProcess node : nodes) {
            node.ctl("await_startup");
        }
        return nodes;
    }

    /**
     * One node, running, that also accepts AMQP over TLS on {@link #sslPort()} with {@code certificate}; clients need
     * no certificate of their own.
     */
    static RabbitProcess withTls(Path root, TestCertificates.Issued certificate, Path ca) throws IOException {
        RabbitProcess node = new RabbitProcess("meteo-tls-" + ProcessHandle.current().pid(), root);
        node.sslPort = freePort();
        node.certificate = certificate;
        node.ca = ca;
        node.launch();
        node.awaitRunning();
        return node;
    }

    int port() {
        return port;
    }

    int sslPort() {
        return sslPort;
    }

    String node() {
        return node;
    }

    /** The whole cluster as one broker URI: amqp-client connects to the first node that answers. */
    static String uri(List<RabbitProcess> nodes) {
        return "amqp://guest:guest@" + String.join(",", nodes.stream().map(n -> "127.0.0.1:" + n.port).toList()) + "/";
    }

    private void launch() throws IOException {
        int distributionPort = freePort();
        Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
        // guest may connect from loopback only, which is where the test is.
        String config = "listeners.tcp.1 = 127.0.0.1:" + port + "\n";
        if (sslPort != 0) {
            config += String.join("\n", "listeners.ssl.1 = 127.0.0.1:" + sslPort,
                    "ssl_options.cacertfile = " + ca, "ssl_options.certfile = " + certificate.certificate(),
                    "ssl_options.keyfile = " + certificate.key(), "ssl_options.verify = verify_none",
                    "ssl_options.fail_if_no_peer_cert = false") + "\n";
        }
        Files.writeString(dir.resolve("rabbitmq.conf"), config);
        ProcessBuilder builder = new ProcessBuilder(SCRIPTS.resolve("rabbitmq-server").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile());
        Map<String, String> env = builder.environment();
        env.putAll(environment());
        env.put("RABBITMQ_NODE_PORT", String.valueOf(port));
        env.put("RABBITMQ_DIST_PORT", String.valueOf(distributionPort));
        env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq").toString());
        env.put("RABBITMQ_PID_FILE", dir.resolve("pid").toString());
        process = builder.start();
    }

    private Map<String, String> environment() {
        return Map.of("HOME", home.toString(), "RABBITMQ_NODENAME", node);
    }

    private void awaitRunning() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("rabbitmq-server " + node + " exited: see " + dir.resolve("stdout.log"));
            }
            return run(20, "status") == 0;
        });
    }

    /** Runs rabbitmqctl against this node; fails the test when it fails. */
    void ctl(String... arguments) throws IOException, InterruptedException {
        if (run(120, arguments) != 0) {
            throw new IOException("rabbitmqctl -n " + node + " " + String.join(" ", arguments) + " failed: see "
                    + dir.resolve("ctl.log"));
        }
    }

    private int run(int timeoutSeconds, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(SCRIPTS.resolve("rabbitmqctl").toString(), "-n", node));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("ctl.log").toFile()));
        builder.environment().putAll(environment());
        Process ctl = builder.start();
        if (!ctl.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            ctl.destroyForcibly();
            return -1;
        }
        return ctl.exitValue();
    }

    /** SIGKILL to the node's Erlang VM (the script's process is only its parent). */
    void kill() throws InterruptedException {
        // Not every descendant: an epmd it started must stay for the other nodes.
        process.descendants().filter(p -> p.info().command().orElse("").contains("beam"))
                .forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
