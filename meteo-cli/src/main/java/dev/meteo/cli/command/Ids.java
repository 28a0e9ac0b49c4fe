package dev.meteo.cli.command;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Default ids when {@code --id} is not given.
 * <ul>
 *   <li>Proxies and compute servers: role, host, pid and a random suffix ({@link #of}), unique even where every JVM is
 *       PID 1 (containers); nothing is kept under their ids.</li>
 *   <li>Sensors and terminals: role and host ({@link #claim}), the same at every restart, because the deployment keeps
 *       state under their ids (a sensor's identities and counters in Redis, a terminal's file and queue): a restarted
 *       sensor or terminal continues under its old id instead of adding a new one each time. Two processes of one host
 *       get different ids: each holds a lock on its id's file in {@code <tmpdir>/meteo-ids} while it runs, and the
 *       next one takes {@code -2}, {@code -3}, ... Give {@code --id} where the host name is not stable (a container
 *       whose name changes at every start).</li>
 * </ul>
 */
final class Ids {

    private static final String HOST = host();
    private static final String PROCESS = HOST + "-" + ProcessHandle.current().pid() + "-"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    /** The locks this process holds: released by the operating system when it exits. */
    private static final List<FileChannel> HELD = new ArrayList<>();

    private Ids() {
    }

    /** {@code <role>-<host>-<pid>-<random>}, the same for the whole process; letters, digits, '.', '-' only. */
    static String of(String role) {
        return role + "-" + PROCESS;
    }

    /**
     * {@code <prefix><host>}, or {@code <prefix><host>-<n>} (n = 2, 3, ...) when another process of this host holds
     * that one; the same id for the same process after a restart when it runs alone. Falls back to {@link #of} when
     * no lock can be taken (a read-only temporary folder).
     */
    static synchronized String claim(String prefix) {
        Path folder = Path.of(System.getProperty("java.io.tmpdir"), "meteo-ids");
        try {
            Files.createDirectories(folder);
            for (int n = 1; n < 1_000; n++) {
                String id = prefix + HOST + (n == 1 ? "" : "-" + n);
                if (tryHold(folder.resolve(id + ".lock"))) {
                    return id;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no lock to be had: a unique id instead of a stable one
        }
        return of(prefix.endsWith("-") ? prefix.substring(0, prefix.length() - 1) : prefix);
    }

    private static boolean tryHold(Path lockFile) throws IOException {
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                HELD.add(channel);
                return true;
            }
        } catch (OverlappingFileLockException heldByThisProcess) {
            // this process claimed it already (a second claim in one JVM): take the next
        }
        channel.close();
        return false;
    }

    private static String host() {
        try {
            String name = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
            String cleaned = name.replaceAll("[^a-z0-9.-]", "-");
            return cleaned.isBlank() ? "host" : cleaned;
        } catch (Exception e) {
            return "host";
        }
    }
}
