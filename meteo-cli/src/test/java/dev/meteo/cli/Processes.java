package dev.meteo.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** What the launcher tests need to know about OS processes and ports. */
public final class Processes {

    private Processes() {
    }

    /** Whether the process still runs: an exited one its new parent has not reaped yet (a zombie) does not. */
    public static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return process.isAlive(); // no procfs, or it just went away
        }
    }

    /** This JVM's descendants that run now and are not in {@code before}. */
    public static List<ProcessHandle> newDescendants(Set<Long> before) {
        return ProcessHandle.current().descendants()
                .filter(process -> !before.contains(process.pid()))
                .filter(Processes::running)
                .toList();
    }

    public static Set<Long> descendantPids() {
        return ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    public static String describe(List<ProcessHandle> processes) {
        return processes.stream().map(p -> p.pid() + " " + p.info().arguments().map(a -> String.join(" ", a)).orElse("?"))
                .collect(Collectors.joining("\n"));
    }

    /** {@code count} different loopback addresses nobody listens on now, as {@code --lb} and {@code --proxy} take them. */
    public static String freeAddresses(int count) {
        List<ServerSocket> held = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                held.add(new ServerSocket(0)); // held open until all are chosen, so no port comes twice
            }
            return held.stream().map(socket -> "127.0.0.1:" + socket.getLocalPort()).collect(Collectors.joining(","));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a socket we only held
                }
            }
        }
    }

    /** A loopback port nobody listens on now (the demo's LB and proxy take fixed ports). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
