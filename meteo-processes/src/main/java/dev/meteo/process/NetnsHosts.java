package dev.meteo.process;


import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Hosts on one machine, one Linux network namespace each on one bridge, made by {@code deploy/netns/meteo-netns} (the
 * script a user runs, so every run proves it too): each host has its own address and network stack, a role started
 * on one ({@link #start}, or a supervisor's child under {@link #wrapper}) sees only its own interfaces, and
 * {@link #cut} takes a host's link down as a pulled cable would. {@link #close()} ends every process inside the
 * namespaces and removes namespaces, links and bridge, also after a failed run; a {@link Watchdog} does it when this
 * JVM is killed with SIGKILL. The HA topology of
 * {@code meteo demo --topology ha} and {@code MultiHostTest} run on it.
 */
public final class NetnsHosts implements AutoCloseable {

    /** Where the script is in a checkout, from its root. */
    public static final Path SCRIPT_IN_CHECKOUT = Path.of("deploy", "netns", "meteo-netns");

    private final Path script;
    private final String name;
    private final String subnet;
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private final List<ChildProcess> started = new ArrayList<>();
    private Watchdog watchdog;

    private NetnsHosts(Path script, String name, String subnet) {
        this.script = script;
        this.name = name;
        this.subnet = subnet;
    }

    /**
     * Why namespaces cannot be made here, or {@code null} when they can: needs root and iproute2 (a test is then
     * skipped with this message).
     */
    public static String unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "network namespaces need root (running as " + System.getProperty("user.name") + ")";
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))
                && !Files.isExecutable(Path.of("/usr/bin/ip")) && !Files.isExecutable(Path.of("/bin/ip"))) {
            return "iproute2's 'ip' is not installed";
        }
        try {
            Process probe = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!probe.waitFor(10, TimeUnit.SECONDS) || probe.exitValue() != 0) {
                return "'ip netns' does not work here: " + out.strip();
            }
        } catch (IOException | InterruptedException e) {
            return "'ip netns' cannot run: " + e.getMessage();
        }
        return null;
    }

    /**
     * Namespaces {@code name-HOST} for {@code hosts} on bridge {@code name-br}, addresses {@code subnet.2, .3, ...},
     * made by {@code script} ({@code deploy/netns/meteo-netns}).
     */
    public static NetnsHosts up(Path script, String name, String subnet, List<String> hosts)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(script)) {
            throw new IOException("no executable meteo-netns at " + script.toAbsolutePath()
                    + " (run from the root of a Meteo checkout, or name it)");
        }
        NetnsHosts netns = new NetnsHosts(script, name, subnet);
        netns.script("down"); // leftovers of a run killed before its teardown
        try {
            List<String> command = new ArrayList<>(List.of("up"));
            command.addAll(hosts);
            for (String line : netns.script(command.toArray(String[]::new)).split("\n")) {
                String[] hostAndAddress = line.trim().split(" ");
                netns.addresses.put(hostAndAddress[0], hostAndAddress[1]);
            }
            // a JVM killed with SIGKILL cannot close this: the watchdog takes the hosts down then
            netns.watchdog = Watchdog.start("exec \"$0\" --name \"$1\" --subnet \"$2\" down", script.toString(), name,
                    subnet);
        } catch (IOException | RuntimeException e) {
            netns.close();
            throw e;
        }
        return netns;
    }

    /**
     * As {@link #up}, on the first {@code /24} of {@code prefix.X} (X from {@code preferred}, then the next ones) that
     * no interface of this machine holds, chosen and taken under a lock (two runs starting together do not pick the
     * same).
     *
     * @param prefix the first two octets, e.g. {@code 10.232}
     */
    public static NetnsHosts upOnFreeSubnet(Path script, String name, String prefix, int preferred, List<String> hosts)
            throws IOException, InterruptedException {
        Path lockFile = Path.of("/run/meteo-netns/.subnets.lock");
        Files.createDirectories(lockFile.getParent());
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            String taken = run(List.of("ip", "-o", "-4", "addr", "show"));
            for (int i = 0; i < 200; i++) {
                String subnet = prefix + "." + (20 + Math.floorMod(preferred + i, 200));
                if (!taken.contains(" " + subnet + ".")) {
                    return up(script, name, subnet, hosts);
                }
            }
        }
        throw new IOException("no free /24 left in " + prefix + ".20-219.0");
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(3, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    public String address(String host) {
        String address = addresses.get(host);
        if (address == null) {
            throw new IllegalArgumentException("no host " + host + " in " + addresses.keySet());
        }
        return address;
    }

    /** The bridge's own address, in the test's namespace: how the test reaches every host. */
    public String bridgeAddress() {
        return subnet + ".1";
    }

    /** A private redis-server and rabbitmq-server on {@code host}; returns {redis URI, rabbit URI}. */
    public String[] services(String host, Path dir) throws IOException, InterruptedException {
        String[] uris = script("services", host, dir.toString()).strip().split(" ");
        return new String[]{uris[0], uris[1]};
    }

    /** Starts the launcher with {@code arguments} on {@code host}, as {@code ip netns exec HOST java ... Meteo ...}. */
    public ChildProcess start(String host, String processName, List<String> arguments, Path logDir,
                              PrintWriter sharedLog) throws IOException {
        ChildProcess child = ChildProcess.start(processName, wrapper(host), ChildProcess.JVM_OPTIONS, arguments,
                logDir, sharedLog);
        started.add(child);
        return child;
    }

    /** What runs a command on {@code host}: {@code ip netns exec <namespace>}. */
    public List<String> wrapper(String host) {
        address(host);
        return List.of("ip", "netns", "exec", name + "-" + host);
    }

    /** The topology's name ({@code --name} of the script). */
    public String name() {
        return name;
    }

    /** The script that made the hosts. */
    public Path script() {
        return script;
    }

    /**
     * Takes {@code host}'s link down: packets lost both ways, connections open and silent, nobody told. Cutting a
     * sensor's host is the partition of the sensor -> load balancer hop.
     *
     * @throws IOException naming the hosts there are, when there is no {@code host}
     */
    public void cut(String host) throws IOException, InterruptedException {
        script("cut", host);
    }

    /** Brings {@code host}'s link up again. */
    public void restore(String host) throws IOException, InterruptedException {
        script("restore", host);
    }

    /** {@code ss -ltnp} inside {@code host}: one line per listening TCP socket. */
    public List<String> listening(String host) throws IOException, InterruptedException {
        return script("listening", host).lines().filter(line -> !line.isBlank()).toList();
    }

    private String script(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(script.toString(), "--name", name, "--subnet", subnet));
        command.addAll(List.of(arguments));
        return run(command);
    }

    /** Stops the processes this started (SIGKILL after 10 s), then the script's teardown removes the rest. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (watchdog != null) {
            watchdog.dismiss();
        }
        started.forEach(ChildProcess::requestStop);
        for (ChildProcess child : started) {
            child.awaitExit(10);
        }
        script("down");
    }
}
