package dev.meteo.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Cleans up after this JVM when it dies without closing what it started, even by SIGKILL: a shell that reads a pipe
 * from this JVM and, at end-of-file (the JVM gone), runs its command. The same idea as the children's
 * {@link dev.meteo.cli.command.ParentWatch}, for what is not a Java child: network namespaces, store processes.
 * {@link #dismiss()} ends it without running the command, once the owner has cleaned up itself.
 */
public final class Watchdog {

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private final Process shell;

    private Watchdog(Process shell) {
        this.shell = shell;
    }

    /**
     * Starts {@code sh -c 'cat >/dev/null; <command>'} in a session of its own, with {@code arguments} as
     * {@code $0, $1, ...} (quote them there as {@code "$0"}: they are not parsed by the shell).
     */
    public static Watchdog start(String command, String... arguments) throws IOException {
        List<String> line = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            line.add(SETSID.toString()); // the terminal's Ctrl-C is for the owner, which then closes in order
        }
        line.addAll(List.of("sh", "-c", "cat >/dev/null; " + command));
        line.addAll(List.of(arguments));
        Process shell = new ProcessBuilder(line).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        return new Watchdog(shell);
    }

    /** Ends the watchdog without running its command: the shell first, then its {@code cat} sees end-of-file. */
    public void dismiss() {
        shell.destroy();
        try {
            shell.waitFor();
            shell.getOutputStream().close();
        } catch (IOException e) {
            // the pipe is closed either way
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
