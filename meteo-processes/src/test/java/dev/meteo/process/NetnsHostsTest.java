package dev.meteo.process;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The partition the nemesis injects ({@code partition-host}, {@code partition-sensor-lb}): a two-host topology of its
 * own, on a free subnet, where a host reaches the bridge only while it is not cut (a TCP connection from inside its
 * namespace to a socket this test listens on). Skipped, saying why, where network namespaces cannot be made.
 */
class NetnsHostsTest {

    private static final Path SCRIPT =
            Path.of("..").resolve(NetnsHosts.SCRIPT_IN_CHECKOUT).toAbsolutePath().normalize();

    private static NetnsHosts hosts;

    @BeforeAll
    static void topology() throws Exception {
        String why = NetnsHosts.unavailable();
        assumeTrue(why == null, "network-namespace test skipped: " + why);
        long pid = ProcessHandle.current().pid();
        hosts = NetnsHosts.upOnFreeSubnet(SCRIPT, "np" + pid % 10_000, "10.232", (int) pid, List.of("alpha", "beta"));
    }

    @AfterAll
    static void teardown() throws Exception {
        if (hosts != null) {
            hosts.close();
        }
    }

    /** Whether {@code host} opens a TCP connection to the test's socket on the bridge within 2 s. */
    private static boolean reaches(String host, ServerSocket listener) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(hosts.wrapper(host));
        command.addAll(List.of("timeout", "2", "bash", "-c",
                "exec 3<>/dev/tcp/" + hosts.bridgeAddress() + "/" + listener.getLocalPort()));
        Process probe = new ProcessBuilder(command).redirectErrorStream(true).start();
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
    void aCutHostReachesNothingUntilItIsRestoredWhileTheOtherHostStillDoes() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 10, InetAddress.getByName("0.0.0.0"))) {
            listener.setSoTimeout(5_000);
            assertTrue(reaches("alpha", listener), "alpha reaches the bridge before any cut");
            hosts.cut("alpha");
            try {
                assertFalse(reaches("alpha", listener), "alpha is cut off");
                assertTrue(reaches("beta", listener), "beta is not");
            } finally {
                hosts.restore("alpha");
            }
            assertTrue(reachesAgain("alpha", listener), "alpha is back");
        }
    }

    @Test
    void eachHostHasItsOwnAddressOnTheBridgesSubnet() {
        String subnet = hosts.bridgeAddress().substring(0, hosts.bridgeAddress().lastIndexOf('.') + 1);
        assertTrue(hosts.address("alpha").startsWith(subnet), hosts.address("alpha"));
        assertTrue(hosts.address("beta").startsWith(subnet), hosts.address("beta"));
        assertFalse(hosts.address("alpha").equals(hosts.address("beta")));
        assertEquals(List.of("ip", "netns", "exec", hosts.name() + "-alpha"), hosts.wrapper("alpha"));
    }

    @Test
    void cuttingAHostTheTopologyDoesNotHaveSaysWhichHostsItHas() {
        Exception refused = assertThrows(IOException.class, () -> hosts.cut("gamma"));
        assertTrue(refused.getMessage().contains("alpha beta"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> hosts.wrapper("gamma"));
    }
}
