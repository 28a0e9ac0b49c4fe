package dev.meteo.cli.command;

import java.net.InetAddress;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Default ids when {@code --id} is not given: role, host, pid and a random suffix, so that they stay unique where
 * every JVM is PID 1 (containers). Give {@code --id} to a terminal that must resume where it stopped (its file, its
 * queue) and to a proxy whose logs should name it.
 */
final class Ids {

    private static final String PROCESS = host() + "-" + ProcessHandle.current().pid() + "-"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));

    private Ids() {
    }

    /** {@code <role>-<host>-<pid>-<random>}, the same for the whole process; letters, digits, '.', '-' only. */
    static String of(String role) {
        return role + "-" + PROCESS;
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
