package dev.meteo.process;

import dev.meteo.cli.Meteo;
import dev.meteo.cli.command.RoleCommand;
import dev.meteo.cli.metrics.RoleReport;

import dev.meteo.cli.options.EnvironmentDefaults;
import dev.meteo.internal.DaemonThreadFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One role of the demo, run as its own OS process from the same launcher. Its output goes to {@code <name>.log}
 * (appended: a process started again under the same name keeps its predecessor's lines) and,
 * prefixed with its name, to the shared log; its stdin is a pipe the child watches, so it exits when the demo dies.
 */
public final class ChildProcess {

    /** JVM options that start a small role quickly on a small machine (many JVMs share 2 CPUs in the demo). */
    public static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xms32m", "-Xmx256m", "-Xss512k", "-XX:-UsePerfData");

    /** The launcher's main class, which every child runs. */
    public static final String LAUNCHER = Meteo.class.getName();

    /** The word a role prints once started ("sensor air-1: ready"), which the parent waits for. */
    public static final String READY = RoleCommand.READY;

    private final String name;
    private final Process process;
    private final Path statusFile;
    private final Thread pump;
    private final CompletableFuture<Void> ready;
    private final AtomicReference<URI> metrics;
    private final List<String> arguments;
    private final long startedAtMillis;

    private ChildProcess(String name, Process process, Path statusFile, Thread pump, CompletableFuture<Void> ready,
                         AtomicReference<URI> metrics, List<String> arguments, long startedAtMillis) {
        this.name = name;
        this.process = process;
        this.statusFile = statusFile;
        this.pump = pump;
        this.ready = ready;
        this.metrics = metrics;
        this.arguments = List.copyOf(arguments);
        this.startedAtMillis = startedAtMillis;
    }

    /** What a role prints once its metrics endpoint is up: {@code "<role>: metrics on http://..."}. */
    public static final String METRICS_ON = RoleCommand.METRICS_ON;

    public static ChildProcess start(String name, List<String> arguments, Path logDir, PrintWriter sharedLog) throws IOException {
        return start(name, JVM_OPTIONS, arguments, logDir, sharedLog);
    }

    /** As {@link #start(String, List, Path, PrintWriter)} with other JVM options (bench lets the JIT reach C2). */
    public static ChildProcess start(String name, List<String> jvmOptions, List<String> arguments, Path logDir,
                                     PrintWriter sharedLog) throws IOException {
        return start(name, List.of(), jvmOptions, arguments, logDir, sharedLog);
    }

    /**
     * As {@link #start(String, List, List, Path, PrintWriter)}, the JVM started through {@code wrapper} (e.g.
     * {@code ip netns exec HOST}, which runs it on another host's network stack), which must exec it so that the
     * child's pid is the JVM's.
     */
    public static ChildProcess start(String name, List<String> wrapper, List<String> jvmOptions, List<String> arguments,
                                     Path logDir, PrintWriter sharedLog) throws IOException {
        Path statusFile = logDir.resolve(name + ".status.json");
        Files.deleteIfExists(statusFile);
        List<String> command = new ArrayList<>(wrapper);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        SharedClassArchive.Launch launch = SharedClassArchive.launch(System.getProperty("java.class.path"));
        command.addAll(jvmOptions);
        command.addAll(launch.jvmOptions());
        command.add("-cp");
        command.add(launch.classPath());
        command.add(LAUNCHER);
        Map<String, String> secrets = new LinkedHashMap<>();
        command.addAll(withoutSecrets(arguments, secrets));
        command.add("--exit-with-parent");
        command.add("--status-file=" + statusFile);
        long startedAt = System.currentTimeMillis();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(secrets);
        Process process = builder.start();
        Path ownLog = logDir.resolve(name + ".log");
        CompletableFuture<Void> ready = new CompletableFuture<>();
        AtomicReference<URI> metrics = new AtomicReference<>();
        Thread pump = DaemonThreadFactory.start("log-" + name,
                () -> copyOutput(name, process, ownLog, sharedLog, ready, metrics));
        return new ChildProcess(name, process, statusFile, pump, ready, metrics, arguments, startedAt);
    }

    /** Options whose value may hold a password or token: a child gets them in its environment, not on its command line. */
    private static final List<String> SECRET_OPTIONS = List.of("--redis-uri", "--rabbit-uri", "--http-token");

    /**
     * {@code arguments} without the options that carry secrets, which go to {@code secrets} as the {@code METEO_*}
     * variables the child reads them from ({@link EnvironmentDefaults}): a command line is visible to every user of
     * the host ({@code ps}), an environment is not.
     */
    static List<String> withoutSecrets(List<String> arguments, Map<String, String> secrets) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            String option = argument.contains("=") ? argument.substring(0, argument.indexOf('=')) : argument;
            if (!SECRET_OPTIONS.contains(option)) {
                kept.add(argument);
                continue;
            }
            String value = argument.contains("=") ? argument.substring(argument.indexOf('=') + 1)
                    : i + 1 < arguments.size() ? arguments.get(++i) : "";
            secrets.put(EnvironmentDefaults.environmentVariable(option.substring(2)), value);
        }
        return kept;
    }

    private static void copyOutput(String name, Process process, Path ownLog, PrintWriter sharedLog,
                                   CompletableFuture<Void> ready, AtomicReference<URI> metrics) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter own = new PrintWriter(Files.newBufferedWriter(ownLog, StandardCharsets.UTF_8,
                     java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), true)) {
            String line;
            while ((line = reader.readLine()) != null) {
                own.println(line);
                // a text line ends with the message; a JSON line (--log-format json) quotes it
                if (line.endsWith(": " + READY) || line.contains(": " + READY + "\"")) {
                    ready.complete(null);
                }
                int at = line.indexOf(METRICS_ON);
                if (at >= 0 && metrics.get() == null) {
                    String address = line.substring(at + METRICS_ON.length()).split("[\\s\"]", 2)[0];
                    try {
                        metrics.set(URI.create(address));
                    } catch (IllegalArgumentException notAnAddress) {
                        // a log line that merely quotes the phrase
                    }
                }
                synchronized (sharedLog) {
                    sharedLog.println(String.format("%-14s| %s", name, line));
                    sharedLog.flush();
                }
            }
        } catch (IOException e) {
            // the child is gone; its log ends here
        }
    }

    /** Waits until the child said it is ready; false if it did not within the time or died first. */
    public boolean awaitReady(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline && process.isAlive()) {
            try {
                ready.get(100, TimeUnit.MILLISECONDS);
                return true;
            } catch (TimeoutException notYet) {
                // poll again: the child may have died meanwhile
            } catch (ExecutionException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        return ready.isDone();
    }

    /** Completes once the child said it is ready; never if it dies first. */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** Completes, on a JDK thread, once the process has exited (by itself, killed or stopped). */
    public CompletableFuture<ChildProcess> exited() {
        return process.onExit().thenApply(ignored -> this);
    }

    /** When this process was started (epoch ms, this machine's clock). */
    public long startedAtMillis() {
        return startedAtMillis;
    }

    /**
     * How a process ended, from its exit code: {@code "signal 9 (SIGKILL)"} for a code above 128 (the JDK reports a
     * process killed by signal {@code n} as {@code 128 + n}, as shells do), else {@code "exit code 3"}.
     */
    public static String describeExit(int exitCode) {
        if (exitCode > 128 && exitCode < 128 + 65) {
            int signal = exitCode - 128;
            String name = switch (signal) {
                case 1 -> "SIGHUP";
                case 2 -> "SIGINT";
                case 6 -> "SIGABRT";
                case 9 -> "SIGKILL";
                case 11 -> "SIGSEGV";
                case 15 -> "SIGTERM";
                default -> null;
            };
            return "signal " + signal + (name == null ? "" : " (" + name + ")");
        }
        return "exit code " + exitCode;
    }

    public String name() {
        return name;
    }

    /** The child's metrics endpoint, once it said where (started with {@code --metrics-port}); else empty. */
    public Optional<URI> metricsUrl() {
        return Optional.ofNullable(metrics.get());
    }

    /** The launcher arguments it was started with (to start it again alike). */
    public List<String> arguments() {
        return arguments;
    }

    /** The exit code once it exited, else empty. */
    public Optional<Integer> exitCode() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The child's process id, for reading its /proc counters. */
    public long pid() {
        return process.pid();
    }

    /** Kills the child at once (SIGKILL): no graceful close, no status file; the fault of a crashed machine. */
    public void kill() {
        process.destroyForcibly();
    }

    /**
     * Freezes the child (SIGSTOP), as a long GC pause, a VM migration or {@code docker pause} would: it keeps its
     * connections and its work in flight, answers nothing, and goes on where it was at {@link #resume()}.
     */
    public void pause() {
        signal("STOP");
    }

    /** Lets a paused child go on (SIGCONT). */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot run kill -" + name + " (is kill on the PATH?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + name, e);
        }
    }

    /** Where the child writes its counters (at exit, and live with {@code --status-file-every}). */
    public Path statusFile() {
        return statusFile;
    }

    /** Asks the child to stop (SIGTERM: it closes gracefully and writes its status), without waiting. */
    public void requestStop() {
        process.destroy();
    }

    /** Waits up to {@code seconds} for the child to exit, then kills it. Returns whether it stopped by itself. */
    public boolean awaitExit(long seconds) throws InterruptedException {
        boolean exited = process.waitFor(seconds, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        pump.join(2_000);
        return exited;
    }

    /**
     * What the child measured: its final report once it exited gracefully ({@link RoleReport#last()}), else the last
     * one it wrote while running (every {@code --status-file-every}); {@link RoleReport#none()} before its first.
     */
    public RoleReport report() {
        return RoleReport.readOrNone(statusFile);
    }
}
