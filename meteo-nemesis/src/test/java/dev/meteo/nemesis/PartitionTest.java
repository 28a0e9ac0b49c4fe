package dev.meteo.nemesis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Cuts and restores a host of a two-host topology of its own (its own name and subnet), and checks that the host can
 * reach the bridge only while it is not cut: a TCP connection from inside its namespace to a socket this test listens
 * on. Skipped, saying why, where network namespaces cannot be made.
 */
class PartitionTest {

    private static final Path SCRIPT = Path.of("..", "deploy", "netns", "meteo-netns").toAbsolutePath().normalize();
    private static final String NAME = "np" + ProcessHandle.current().pid() % 10_000;
    private static final String SUBNET = "10.232." + (ProcessHandle.current().pid() % 200 + 20);

    private static boolean up;

    @BeforeAll
    static void topology() throws Exception {
        String why = Partition.unavailable();
        assumeTrue(why == null, "partition test skipped: " + why);
        script("down");
        script("up", "alpha", "beta");
        up = true;
    }

    @AfterAll
    static void teardown() throws Exception {
        if (up) {
            script("down");
        }
    }

    private static String script(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString(), "--name", NAME, "--subnet", SUBNET));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(1, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("meteo-netns " + String.join(" ", arguments) + " failed: " + out);
        }
        return out;
    }

    /** Whether {@code host} opens a TCP connection to the test's socket on the bridge within 2 s. */
    private static boolean reaches(String host, ServerSocket listener) throws IOException, InterruptedException {
        Process probe = new ProcessBuilder(SCRIPT.toString(), "--name", NAME, "--subnet", SUBNET, "exec", host,
                "timeout", "2", "bash", "-c", "exec 3<>/dev/tcp/" + SUBNET + ".1/" + listener.getLocalPort())
                .redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        boolean connected = probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        if (connected) {
            try (Socket accepted = listener.accept()) {
                // the connection the probe made
            }
        }
        return connected;
    }

    /**
     * Whether {@code host} reaches the socket within 15 s, probing again after each failure: a link just brought up
     * may refuse the first connection while its neighbour entries are renewed.
     */
    private static boolean reachesAgain(String host, ServerSocket listener) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        do {
            if (reaches(host, listener)) {
                return true;
            }
        } while (System.nanoTime() < deadline);
        return false;
    }

    @Test
    void aCutHostReachesNothingUntilItIsRestoredAndClosingRestoresIt() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 10, InetAddress.getByName("0.0.0.0"))) {
            listener.setSoTimeout(5_000);
            assertTrue(reaches("alpha", listener), "alpha reaches the bridge before any cut");
            try (Partition partition = new Partition(SCRIPT, NAME, "alpha")) {
                partition.cut();
                assertTrue(partition.isCut());
                assertFalse(reaches("alpha", listener), "alpha is cut off");
                assertTrue(reaches("beta", listener), "beta is not");
                partition.restore();
                assertTrue(reachesAgain("alpha", listener), "alpha is back");
                partition.cut();
            }
            assertTrue(reachesAgain("alpha", listener), "closing the partition restored alpha");
        }
    }

    @Test
    void cuttingAHostTheTopologyDoesNotHaveSaysWhichHostsItHas() {
        Partition partition = new Partition(SCRIPT, NAME, "gamma");
        Exception refused = assertThrows(java.io.UncheckedIOException.class, partition::cut);
        assertTrue(refused.getMessage().contains("alpha beta"), refused.getMessage());
        assertFalse(partition.isCut());
    }
}
