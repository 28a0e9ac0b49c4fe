package dev.meteo.process;

import dev.meteo.bench.instrument.LatencyRecorder;
import dev.meteo.cli.io.Json;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The child processes of one bench phase, by role, with their live counters: every child rewrites its status file
 * every {@link #STATUS_EVERY}, and {@link #read} parses it. Stopped in the reverse order of start.
 */
public final class Fleet implements AutoCloseable {

    static final String STATUS_EVERY = "250ms";

    /** The launcher's own child JVM options: small heap, serial GC, C1 only (quick to warm up with many JVMs on 2 CPUs). */
    public static final List<String> C1_OPTIONS = ChildProcess.JVM_OPTIONS;

    /** The same with the JIT's second tier (C2): higher peak, longer warm-up, compile threads competing for the CPUs. */
    public static final List<String> C2_OPTIONS = ChildProcess.JVM_OPTIONS.stream()
            .filter(option -> !option.startsWith("-XX:TieredStopAtLevel")).toList();

    /** One child and its role ("sensor", "server", ...). */
    public record Member(String role, ChildProcess process) {
    }

    private final Path logDir;
    private final PrintWriter sharedLog;
    private final List<Member> members = new ArrayList<>();
    private final List<String> jvmOptions;

    public Fleet(Path logDir, List<String> jvmOptions) throws IOException {
        this.logDir = logDir;
        this.jvmOptions = List.copyOf(jvmOptions);
        Files.createDirectories(logDir);
        this.sharedLog = new PrintWriter(Files.newBufferedWriter(logDir.resolve("all.log")), true);
    }

    public ChildProcess start(String role, String name, List<String> arguments) throws IOException {
        List<String> args = new ArrayList<>(arguments);
        args.add("--status-every=0");
        args.add("--status-file-every=" + STATUS_EVERY);
        ChildProcess child = ChildProcess.start(name, jvmOptions, args, logDir, sharedLog);
        members.add(new Member(role, child));
        return child;
    }

    /** Waits until every child started so far said it is ready; throws naming the one that did not. */
    public void awaitReady(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        for (Member member : members) {
            if (!member.process().awaitReady(Math.max(0, deadline - System.currentTimeMillis()))) {
                throw new IllegalStateException(member.process().name() + " did not start; see "
                        + logDir.resolve(member.process().name() + ".log"));
            }
        }
    }

    public List<ChildProcess> byRole(String role) {
        return members.stream().filter(m -> m.role().equals(role)).map(Member::process).toList();
    }

    public List<Member> members() {
        return List.copyOf(members);
    }

    public Path logDir() {
        return logDir;
    }

    /** A child's latest status as a map; empty before its first write. */
    public static Map<?, ?> read(ChildProcess child) {
        try {
            Path file = child.statusFile();
            if (!Files.isRegularFile(file)) {
                return Map.of();
            }
            return Json.read(Files.readString(file)) instanceof Map<?, ?> map ? map : Map.of();
        } catch (IOException | IllegalArgumentException e) {
            return Map.of(); // replaced between exists and read: the next sample has it
        }
    }

    public static long number(Map<?, ?> status, String key) {
        return status.get(key) instanceof Number n ? n.longValue() : 0;
    }

    /** Sum of one counter over children. */
    public static long sum(List<ChildProcess> children, String key) {
        return children.stream().mapToLong(child -> number(read(child), key)).sum();
    }

    /** The sum of the children's HdrHistograms under one status key ({@link LatencyRecorder#snapshot}). */
    public static Histogram histogram(List<ChildProcess> children, String key) {
        Histogram merged = LatencyRecorder.emptyHistogram();
        for (ChildProcess child : children) {
            merged.add(LatencyRecorder.decode(read(child).get(key)));
        }
        return merged;
    }

    /** Stops (SIGTERM, then waits for the final status) the children of these roles, in the order given. */
    public void stop(String... roles) throws InterruptedException {
        for (String role : roles) {
            List<ChildProcess> children = byRole(role);
            children.forEach(ChildProcess::requestStop);
            for (ChildProcess child : children) {
                if (child.isAlive() && !child.awaitExit(20)) {
                    System.err.println("bench: " + child.name() + " did not stop in time and was killed");
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        List<Member> reversed = new ArrayList<>(members);
        java.util.Collections.reverse(reversed);
        reversed.forEach(m -> m.process().requestStop());
        for (Member member : reversed) {
            if (member.process().isAlive()) {
                member.process().awaitExit(20);
            }
        }
        sharedLog.close();
    }
}
