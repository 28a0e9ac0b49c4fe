package dev.meteo.nemesis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Cuts one host of a {@code deploy/netns} topology off the network and restores it, with {@code meteo-netns cut|restore}
 * (the host's link down: packets lost both ways, connections open and silent, nobody told). Cutting a sensor's host is
 * the partition of the sensor -> load balancer hop: its records wait at the sensor and are retried. Closing it
 * restores a host still cut, so a run stopped mid-fault leaves the topology whole.
 *
 * <p>Needs what the script needs: root (or {@code CAP_NET_ADMIN}) and iproute2 ({@link #unavailable()} says why not).
 * Not thread-safe: the nemesis injects one fault at a time.
 */
public final class Partition implements AutoCloseable {

    private static final long SCRIPT_TIMEOUT_SECONDS = 30;

    private final Path script;
    private final String topology;
    private final String host;
    private boolean cut;

    /**
     * @param script   {@code deploy/netns/meteo-netns}
     * @param topology the topology's {@code --name} (the script's default is {@code meteo})
     * @param host     a host of that topology, as given to {@code meteo-netns up}
     */
    public Partition(Path script, String topology, String host) {
        this.script = Objects.requireNonNull(script, "script");
        this.topology = Objects.requireNonNull(topology, "topology");
        this.host = Objects.requireNonNull(host, "host");
    }

    /**
     * Why hosts cannot be cut here, or {@code null} when they can: network namespaces need root and a working
     * {@code ip netns}.
     */
    public static String unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "network namespaces need root (running as " + System.getProperty("user.name") + ")";
        }
        try {
            Process probe = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!probe.waitFor(10, TimeUnit.SECONDS) || probe.exitValue() != 0) {
                return "'ip netns' does not work here: " + out.strip();
            }
        } catch (IOException e) {
            return "iproute2's 'ip' cannot run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while probing 'ip netns'";
        }
        return null;
    }

    /** The host this partition cuts. */
    public String host() {
        return host;
    }

    /** Whether the host is cut off now (by this partition). */
    public boolean isCut() {
        return cut;
    }

    /**
     * Takes the host's link down.
     *
     * @throws UncheckedIOException naming the script's output when it fails (no such host, not root)
     */
    public void cut() {
        run("cut");
        cut = true;
    }

    /** Brings the host's link up again. */
    public void restore() {
        run("restore");
        cut = false;
    }

    /** Restores the host if this partition left it cut. */
    @Override
    public void close() {
        if (cut) {
            restore();
        }
    }

    private void run(String command) {
        if (!Files.isExecutable(script)) {
            throw new UncheckedIOException(new IOException("no executable meteo-netns at " + script));
        }
        List<String> line = new ArrayList<>(List.of(script.toString(), "--name", topology, command, host));
        try {
            Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out after " + SCRIPT_TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IOException("exit code " + process.exitValue() + ": " + out.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("meteo-netns --name " + topology + " " + command + " " + host + " failed: "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during meteo-netns " + command + " " + host, e);
        }
    }

    @Override
    public String toString() {
        return "Partition[" + topology + "/" + host + (cut ? ", cut" : "") + "]";
    }
}
