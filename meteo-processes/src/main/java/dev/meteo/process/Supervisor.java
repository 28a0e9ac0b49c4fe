package dev.meteo.process;

import dev.meteo.internal.DaemonThreadFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Starts the demo's children and keeps them running: a child that exits while it is supervised is reported at once
 * (how it ended: {@code "server-2 exited, signal 9 (SIGKILL)"}) and started again alike after a backoff of its own,
 * 1 s doubling up to 30 s, back to 1 s once a process of it had run for 30 s. Every role is restarted, sensors too:
 * each resumes from the store, its queue, its file or, for a sensor, under its id with new sequence numbers.
 *
 * <p>Each process of a child is an {@link Incarnation}. When one dies, its status file (and its companion files,
 * e.g. a sensor's {@link SentMark}) are renamed {@code <name>.<n>.<rest>} before the next process rewrites them, so
 * the demo's accounting can read what every process last said. One thread does all of it.
 */
public final class Supervisor implements AutoCloseable {

    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** A process that ran this long was no crash loop: its child's next restart waits {@link #FIRST_BACKOFF} again. */
    static final Duration STABLE_AFTER = MAX_BACKOFF;

    /** One process of a child that has ended; its files renamed as {@link #statusFile()} and {@link #companions()}. */
    public record Incarnation(String name, int number, long pid, long startedAtMillis, long endedAtMillis, int exitCode,
                              Path statusFile, List<Path> companions) {
    }

    /** A child the supervisor keeps running: its role, its name, its current process and the ones that ended. */
    public final class Slot {
        private final String role;
        private final String name;
        private final List<String> wrapper;
        private final List<String> arguments;
        private final List<Path> companions;
        private final List<Incarnation> ended = new CopyOnWriteArrayList<>();
        private volatile ChildProcess current;
        private volatile List<String> extraArguments = List.of();
        private long backoffMillis;
        private boolean retired;
        private ScheduledFuture<?> pendingRestart;

        private Slot(String role, String name, List<String> wrapper, List<String> arguments, List<Path> companions) {
            this.role = role;
            this.name = name;
            this.wrapper = List.copyOf(wrapper);
            this.arguments = List.copyOf(arguments);
            this.companions = List.copyOf(companions);
        }

        public String role() {
            return role;
        }

        public String name() {
            return name;
        }

        /** The process running now (or the last one, while a restart waits for its backoff). */
        public ChildProcess current() {
            return current;
        }

        /** The processes of this child that died while supervised, oldest first. */
        public List<Incarnation> ended() {
            return List.copyOf(ended);
        }

        /**
         * Whether the current process is one of {@link #ended()}: it died while supervised and its restart was
         * cancelled (the child was retired meanwhile), so its files are those of that incarnation.
         */
        public boolean currentEnded() {
            List<Incarnation> all = ended();
            return !all.isEmpty() && all.get(all.size() - 1).pid() == current.pid();
        }

        /**
         * Stops the current process gracefully (SIGTERM: a sensor writes its final counters) and has the supervisor
         * start it again, after its backoff, with {@code extra} after its arguments, and so every later process of it
         * until the next call ({@code List.of()}: as it was started). The nemesis restarts a role with a clock offset
         * so.
         */
        public void restartWith(List<String> extra) {
            extraArguments = List.copyOf(extra);
            current.requestStop();
        }

        /** The files the current process writes besides its status file (a sensor's sent mark). */
        public List<Path> companions() {
            return companions;
        }

        /**
         * Waits until a process of this child said it is ready, following restarts; false when none did before
         * {@code deadlineMillis} (epoch ms).
         */
        public boolean awaitReady(long deadlineMillis) throws InterruptedException {
            while (System.currentTimeMillis() < deadlineMillis) {
                ChildProcess child = current;
                if (child.awaitReady(Math.min(500, Math.max(0, deadlineMillis - System.currentTimeMillis())))) {
                    return true;
                }
                if (!child.isAlive()) {
                    Thread.sleep(100); // it died before it was ready: its next process comes after the backoff
                }
            }
            return current.ready().isDone();
        }
    }

    private final Path logDir;
    private final PrintWriter sharedLog;
    private final Consumer<String> say;
    private final Runnable onRestarted;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            new DaemonThreadFactory("demo-supervisor"));
    private final List<Slot> slots = new CopyOnWriteArrayList<>();
    private final AtomicInteger deaths = new AtomicInteger();
    private final AtomicInteger restarts = new AtomicInteger();

    /**
     * @param say         where deaths and restarts are reported, one line each
     * @param onRestarted called (on the supervisor's thread) once a restarted process is ready
     */
    public Supervisor(Path logDir, PrintWriter sharedLog, Consumer<String> say, Runnable onRestarted) {
        this.logDir = logDir;
        this.sharedLog = sharedLog;
        this.say = say;
        this.onRestarted = onRestarted;
    }

    /** Starts a child and supervises it from now on. {@code companions}: files its process writes besides its status. */
    public Slot start(String role, String name, List<String> arguments, List<Path> companions) throws IOException {
        return start(role, name, List.of(), arguments, companions);
    }

    /**
     * Starts a child under {@code wrapper} (e.g. {@code ip netns exec HOST}: on a host of its own), every restart
     * too, and supervises it from now on.
     */
    public Slot start(String role, String name, List<String> wrapper, List<String> arguments, List<Path> companions)
            throws IOException {
        Slot slot = new Slot(role, name, wrapper, arguments, companions);
        slot.current = ChildProcess.start(name, wrapper, ChildProcess.JVM_OPTIONS, arguments, logDir, sharedLog);
        slots.add(slot);
        watch(slot, slot.current);
        return slot;
    }

    public List<Slot> slots() {
        return List.copyOf(slots);
    }

    /** The slots of one role, in the order they were started. */
    public List<Slot> slots(String role) {
        return slots.stream().filter(slot -> slot.role.equals(role)).toList();
    }

    /** The current process of every child of these roles (all roles when none is given). */
    public List<ChildProcess> children(String... roles) {
        List<String> wanted = List.of(roles);
        return slots.stream().filter(slot -> wanted.isEmpty() || wanted.contains(slot.role)).map(Slot::current).toList();
    }

    /** Processes that died while supervised, and restarts done. */
    public int deaths() {
        return deaths.get();
    }

    public int restarts() {
        return restarts.get();
    }

    /**
     * Stops supervising the children of these roles (all when none is given): from now on they are stopped on
     * purpose, and a restart waiting for its backoff is cancelled. Returns once the supervisor's thread has taken note,
     * so no restart of them starts afterwards.
     */
    public void retire(String... roles) throws InterruptedException {
        List<String> which = List.of(roles);
        try {
            thread.submit(() -> {
                for (Slot slot : slots) {
                    if (which.isEmpty() || which.contains(slot.role)) {
                        slot.retired = true;
                        if (slot.pendingRestart != null) {
                            slot.pendingRestart.cancel(false);
                        }
                    }
                }
            }).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the supervisor's thread did not answer", e);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closed already: nothing is restarted any more
        }
    }

    private void watch(Slot slot, ChildProcess child) {
        child.exited().thenRun(() -> {
            try {
                thread.execute(() -> died(slot, child));
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // the demo is over
            }
        });
    }

    private void died(Slot slot, ChildProcess child) {
        if (slot.current != child || slot.retired) {
            return;
        }
        long now = System.currentTimeMillis();
        long upMillis = now - child.startedAtMillis();
        int exitCode = child.exitCode().orElse(-1);
        deaths.incrementAndGet();
        slot.ended.add(archive(slot, child, now, exitCode));
        slot.backoffMillis = upMillis >= STABLE_AFTER.toMillis() || slot.backoffMillis == 0 ? FIRST_BACKOFF.toMillis()
                : Math.min(MAX_BACKOFF.toMillis(), slot.backoffMillis * 2);
        say.accept(slot.name + " exited, " + ChildProcess.describeExit(exitCode) + ", after "
                + seconds(upMillis) + " (log: " + logDir.resolve(slot.name + ".log") + "); starting it again in "
                + seconds(slot.backoffMillis));
        slot.pendingRestart = thread.schedule(() -> restart(slot), slot.backoffMillis, TimeUnit.MILLISECONDS);
    }

    /** Renames the dead process's status and companion files to {@code <name>.<n>.<rest>}, before they are rewritten. */
    private Incarnation archive(Slot slot, ChildProcess child, long endedAt, int exitCode) {
        int number = slot.ended.size() + 1;
        Path status = moveAside(child.statusFile(), slot.name, number);
        List<Path> companions = new ArrayList<>();
        for (Path file : slot.companions) {
            companions.add(moveAside(file, slot.name, number));
        }
        return new Incarnation(slot.name, number, child.pid(), child.startedAtMillis(), endedAt, exitCode, status,
                companions);
    }

    private static Path moveAside(Path file, String name, int number) {
        String fileName = file.getFileName().toString();
        String rest = fileName.startsWith(name + ".") ? fileName.substring(name.length() + 1) : fileName;
        Path target = file.resolveSibling(name + "." + number + "." + rest);
        try {
            if (Files.exists(file)) {
                Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // the next process overwrites it; the accounting then sees nothing of this one
        }
        return target;
    }

    private void restart(Slot slot) {
        if (slot.retired) {
            return;
        }
        slot.pendingRestart = null;
        try {
            List<String> arguments = new ArrayList<>(slot.arguments);
            arguments.addAll(slot.extraArguments);
            ChildProcess child = ChildProcess.start(slot.name, slot.wrapper, ChildProcess.JVM_OPTIONS, arguments,
                    logDir, sharedLog);
            slot.current = child;
            int count = restarts.incrementAndGet();
            watch(slot, child);
            child.ready().thenRun(() -> {
                try {
                    thread.execute(() -> {
                        if (slot.current == child && !slot.retired) {
                            say.accept(slot.name + " is up again (restart " + count + ")");
                            onRestarted.run();
                        }
                    });
                } catch (java.util.concurrent.RejectedExecutionException closed) {
                    // the demo is over
                }
            });
        } catch (IOException | RuntimeException e) {
            slot.backoffMillis = Math.min(MAX_BACKOFF.toMillis(), Math.max(FIRST_BACKOFF.toMillis(), slot.backoffMillis * 2));
            say.accept("cannot start " + slot.name + " again (" + e.getMessage() + "); trying again in "
                    + seconds(slot.backoffMillis));
            slot.pendingRestart = thread.schedule(() -> restart(slot), slot.backoffMillis, TimeUnit.MILLISECONDS);
        }
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    /** Stops supervising (nothing is restarted any more); the children themselves are the caller's to stop. */
    @Override
    public void close() {
        thread.shutdownNow();
    }
}
