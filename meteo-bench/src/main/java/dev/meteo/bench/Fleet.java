package dev.meteo.bench;


import dev.meteo.cli.metrics.RoleReport;
import dev.meteo.process.ChildProcess;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child processes of one bench phase, by role, with what they measured: every child rewrites its status file
 * every {@link #STATUS_EVERY} ({@link ChildProcess#report()}). Stopped in the reverse order of start.
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

    /** The sum of one counter (a documented metric name, {@link RoleReport}) over children, as they last reported. */
    public static long sum(List<ChildProcess> children, String metric) {
        return RoleReport.sum(children.stream().map(ChildProcess::report).toList(), metric);
    }

    /** The sum of one timer over children, as they last reported. */
    public static RoleReport.Histogram timer(List<ChildProcess> children, String metric) {
        return RoleReport.sumTimer(children.stream().map(ChildProcess::report).toList(), metric);
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
