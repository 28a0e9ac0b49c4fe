package dev.meteo.process;

import dev.meteo.embedded.HaServices;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.nemesis.Fault;
import dev.meteo.nemesis.FaultKind;
import dev.meteo.nemesis.History;
import dev.meteo.nemesis.PlannedFault;
import dev.meteo.nemesis.Schedule;
import dev.meteo.nemesis.SlowLink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code meteo demo --chaos}: runs a seeded {@link Schedule} of faults over the demo's children, one fault at a time,
 * each written to the run's {@link History} just before it is injected and when it ends, and leaves the rest to the
 * {@link Supervisor}. The kinds that can run on one machine:
 * <ul>
 * <li>{@code kill}: SIGKILL; the fault ends when the supervisor has started the child again;</li>
 * <li>{@code pause}: SIGSTOP for the fault's duration, then SIGCONT;</li>
 * <li>{@code clock-offset}: the child restarted with the hidden {@code --clock-offset}, for the fault's duration, then
 *     restarted without it;</li>
 * <li>{@code slow-link}: the relay placed in front of the target at start-up ({@link SlowLink}) holds every chunk for
 *     the fault's delay, then none;</li>
 * <li>{@code terminal-disk-full}: the terminal's file size limit lowered to its file's size ({@code prlimit --pid}), so
 *     that it refuses windows, then lifted.</li>
 * </ul>
 * and, in the HA topology ({@link Ha}: every child on a host of its own, Redis under Sentinel, a RabbitMQ cluster):
 * <ul>
 * <li>{@code partition-host}, {@code partition-sensor-lb}: the target's host cut off ({@code meteo-netns cut}) for the
 *     fault's duration, then restored (a sensor's host: its hop to the load balancers);</li>
 * <li>{@code redis-primary-loss}: the primary SIGKILLed; the Sentinels promote the replica (the time it took is the
 *     fault's {@code failover-ms}); after the fault's duration the old primary starts again and the fault ends once
 *     it replicates from the new one;</li>
 * <li>{@code rabbit-node-loss}: a node's Erlang VM SIGKILLed; after the fault's duration it starts again and the fault
 *     ends once it is back in the cluster.</li>
 * </ul>
 * A fault is injected at its planned time or, when the one before it took longer (a restart is slow on a loaded
 * machine), as soon as that one ended; a planned fault whose target is not up within {@link #TARGET_WAIT} is skipped and
 * said so; the faults still planned when the run's time for faults is over are not injected. The proxy is struck as
 * {@link #ACTIVE_PROXY}: the proxy holding the store's lease when the fault starts. Closing ends the fault under way
 * (resumes, restores) and returns once it is over.
 */
public final class Nemesis implements AutoCloseable {

    /** The kinds the demo can inject on one machine; partitions and store losses need the HA topology. */
    public static final Set<FaultKind> ON_ONE_MACHINE = EnumSet.of(FaultKind.KILL, FaultKind.PAUSE,
            FaultKind.CLOCK_OFFSET, FaultKind.SLOW_LINK, FaultKind.TERMINAL_DISK_FULL);

    /** The kinds only the HA topology can inject: it has hosts to cut and store nodes to lose. */
    public static final Set<FaultKind> ONLY_HA = EnumSet.of(FaultKind.PARTITION_HOST, FaultKind.PARTITION_SENSOR_LB,
            FaultKind.REDIS_PRIMARY_LOSS, FaultKind.RABBIT_NODE_LOSS);

    /** The schedule's name for the Redis primary: whichever node the Sentinels name when the fault strikes. */
    public static final String REDIS_PRIMARY = "redis-primary";

    /** The detail key of a Redis primary loss: how long the Sentinels took to promote a replica, in ms. */
    public static final String FAILOVER_MILLIS = "failover-ms";

    /**
     * The HA topology's hosts and services: every child runs on the host of its name ({@code hosts}), the stores are
     * {@code services}.
     */
    public record Ha(NetnsHosts hosts, HaServices services) {
    }

    /** The schedule's name for the proxy: the one holding the lease when a fault strikes it. */
    public static final String ACTIVE_PROXY = "active-proxy";

    /** How long a fault waits for its target to be up (a child restarting) before it is skipped. */
    static final Duration TARGET_WAIT = Duration.ofSeconds(15);
    /** How long a restart (after a kill, or with and without a clock offset) may take before the fault ends anyway. */
    static final Duration RESTART_WAIT = Duration.ofSeconds(60);

    /** A fault injected: what the history holds, with the role and the process it struck. */
    public record Injected(Fault fault, String role, long pid) {
    }

    private final Schedule schedule;
    private final Supervisor supervisor;
    private final History history;
    private final Map<String, SlowLink> slowLinks;
    private final Supplier<String> leaseHolder;
    private final Function<String, Path> terminalFile;
    private final Consumer<String> say;
    private final Ha ha;
    private final List<Injected> injected = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Instant runStart;
    private Thread started;

    /**
     * @param slowLinks    per target name, the relay in front of it (the kinds' targets {@link #canStrike} accepts)
     * @param leaseHolder  the store's proxy lease holder ({@code <proxy id>/<nonce>}), {@code null} when none
     * @param terminalFile a terminal child's name to its windows' file
     * @param say          one line per fault as it starts and ends, and per fault skipped
     * @param ha           the HA topology's hosts and services, or {@code null} on one machine
     */
    public Nemesis(Schedule schedule, Supervisor supervisor, History history, Map<String, SlowLink> slowLinks,
                   Supplier<String> leaseHolder, Function<String, Path> terminalFile, Consumer<String> say, Ha ha) {
        this.schedule = schedule;
        this.supervisor = supervisor;
        this.history = history;
        this.slowLinks = Map.copyOf(slowLinks);
        this.leaseHolder = leaseHolder;
        this.terminalFile = terminalFile;
        this.say = say;
        this.ha = ha;
    }

    /**
     * The targets of a schedule over these children: role to names, the proxies as one {@link #ACTIVE_PROXY}, only the
     * roles in {@code roles}.
     */
    public static Map<String, List<String>> targets(List<Supervisor.Slot> slots, List<String> roles) {
        Map<String, List<String>> targets = new TreeMap<>();
        for (Supervisor.Slot slot : slots) {
            if (roles.contains(slot.role())) {
                String name = slot.role().equals("proxy") ? ACTIVE_PROXY : slot.name();
                List<String> names = targets.computeIfAbsent(slot.role(), role -> new ArrayList<>());
                if (!names.contains(name)) {
                    names.add(name);
                }
            }
        }
        return targets;
    }

    /**
     * Whether the demo can inject {@code kind} on {@code target}: a slow link only where a relay stands, the kinds of
     * {@link #ONLY_HA} only in the HA topology.
     */
    public static boolean canStrike(FaultKind kind, String target, Set<String> slowLinked, boolean ha) {
        return (ON_ONE_MACHINE.contains(kind) || ha && ONLY_HA.contains(kind))
                && (kind != FaultKind.SLOW_LINK || slowLinked.contains(target));
    }

    /** Starts the schedule: its times count from now. */
    public synchronized Nemesis start() {
        runStart = Instant.now();
        started = DaemonThreadFactory.start("demo-nemesis", this::run);
        return this;
    }

    /** The faults injected so far, oldest first; one under way has no end yet. */
    public List<Injected> injected() {
        return List.copyOf(injected);
    }

    private void run() {
        Instant lastEnd = runStart.plus(schedule.settings().runLength()).minus(schedule.settings().quietEnd());
        List<PlannedFault> faults = schedule.faults();
        for (int i = 0; i < faults.size(); i++) {
            PlannedFault planned = faults.get(i);
            if (!sleepUntil(runStart.plus(planned.at()))) {
                return;
            }
            if (!Instant.now().plus(planned.duration()).isBefore(lastEnd)) {
                say.accept("chaos: " + (faults.size() - i) + " planned faults not injected: the run's time for faults "
                        + "is over (the ones before took longer than planned)");
                return;
            }
            try {
                inject(planned);
            } catch (RuntimeException e) {
                say.accept("chaos: " + planned.kind() + " " + planned.target() + " failed: " + e.getMessage());
            }
        }
    }

    private void inject(PlannedFault planned) {
        if (planned.kind() == FaultKind.REDIS_PRIMARY_LOSS || planned.kind() == FaultKind.RABBIT_NODE_LOSS) {
            loseStoreNode(planned);
            return;
        }
        Optional<Supervisor.Slot> found = awaitTarget(planned.target());
        if (found.isEmpty()) {
            say.accept("chaos: skipped " + planned.kind() + " " + planned.target() + ": not up within "
                    + TARGET_WAIT.toSeconds() + " s");
            return;
        }
        Supervisor.Slot slot = found.get();
        ChildProcess child = slot.current();
        Map<String, String> detail = planned.detail();
        try {
            switch (planned.kind()) {
                case KILL -> {
                    long id = started(planned.kind(), slot, child, detail);
                    child.kill();
                    say.accept("chaos: killed " + child.name() + " (pid " + child.pid() + ") with SIGKILL");
                    awaitRestart(slot, child, false);
                    ended(id);
                }
                case PAUSE -> {
                    long id = started(planned.kind(), slot, child, detail);
                    child.pause();
                    say.accept("chaos: paused " + child.name() + " (pid " + child.pid() + ") with SIGSTOP");
                    sleep(planned.duration());
                    try {
                        child.resume();
                    } catch (RuntimeException gone) {
                        // it exited meanwhile
                    }
                    ended(id);
                    say.accept("chaos: resumed " + child.name() + " (pid " + child.pid() + ") after "
                            + seconds(planned.duration()));
                }
                case CLOCK_OFFSET -> {
                    long offset = Long.parseLong(detail.get(Fault.OFFSET_MILLIS));
                    long id = started(planned.kind(), slot, child, detail);
                    slot.restartWith(List.of("--clock-offset=" + (offset < 0 ? "-" : "") + Math.abs(offset) + "ms"));
                    say.accept("chaos: restarting " + child.name() + " with its clock " + Math.abs(offset) + " ms "
                            + (offset < 0 ? "behind" : "ahead"));
                    ChildProcess offsetOne = awaitRestart(slot, child, true);
                    sleep(planned.duration());
                    slot.restartWith(List.of());
                    awaitRestart(slot, offsetOne, true);
                    ended(id);
                    say.accept("chaos: " + child.name() + " runs on the machine's clock again");
                }
                case SLOW_LINK -> {
                    SlowLink link = slowLinks.get(planned.target());
                    long delay = Long.parseLong(detail.get(Fault.DELAY_MILLIS));
                    long id = started(planned.kind(), slot, child, detail);
                    link.setDelay(SlowLink.Delay.fixed(Duration.ofMillis(delay)));
                    say.accept("chaos: the link to " + planned.target() + " holds every chunk " + delay + " ms");
                    sleep(planned.duration());
                    link.setDelay(SlowLink.Delay.NONE);
                    ended(id);
                    say.accept("chaos: the link to " + planned.target() + " is fast again");
                }
                case TERMINAL_DISK_FULL -> {
                    Path file = terminalFile.apply(slot.name());
                    long size = Files.exists(file) ? Files.size(file) : 0;
                    long id = started(planned.kind(), slot, child, Map.of("fsize", Long.toString(size + 1)));
                    prlimit(child, "--fsize=" + (size + 1) + ":unlimited");
                    say.accept("chaos: " + child.name() + "'s file size limit lowered to " + (size + 1)
                            + " bytes: it cannot keep windows");
                    sleep(planned.duration());
                    prlimit(child, "--fsize=unlimited");
                    ended(id);
                    say.accept("chaos: " + child.name() + " can write its file again");
                }
                case PARTITION_HOST, PARTITION_SENSOR_LB -> {
                    requireHa(planned);
                    long id = started(planned.kind(), slot, child, detail);
                    ha.hosts().cut(slot.name());
                    say.accept("chaos: cut " + slot.name() + "'s host off the network");
                    try {
                        sleep(planned.duration());
                    } finally {
                        ha.hosts().restore(slot.name());
                    }
                    ended(id);
                    say.accept("chaos: " + slot.name() + "'s host is back on the network after "
                            + seconds(planned.duration()));
                }
                default -> throw new IllegalArgumentException("the demo cannot inject " + planned.kind());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + planned.kind(), e);
        }
    }

    /** A Redis primary or a RabbitMQ node killed, then, after the fault's duration, started again. */
    private void loseStoreNode(PlannedFault planned) {
        requireHa(planned);
        HaServices services = ha.services();
        boolean redis = planned.kind() == FaultKind.REDIS_PRIMARY_LOSS;
        try {
            String node = redis ? services.redisPrimary() : planned.target();
            if (node == null) {
                say.accept("chaos: skipped " + planned.kind() + ": no Sentinel names a primary");
                return;
            }
            Map<String, String> detail = new TreeMap<>(planned.detail());
            detail.put(Fault.ROLE, redis ? "redis" : "rabbit");
            detail.put("node", node);
            long id = history.started(planned.kind(), redis ? REDIS_PRIMARY : node, detail);
            injected.add(new Injected(history.going().get(history.going().size() - 1), detail.get(Fault.ROLE), 0));
            Instant killed = Instant.now();
            Map<String, String> learned = new TreeMap<>();
            try {
                if (redis) {
                    services.killRedisPrimary();
                    say.accept("chaos: killed the Redis primary " + node + " with SIGKILL");
                    services.awaitRedisFailover(node);
                    long failover = Duration.between(killed, Instant.now()).toMillis();
                    say.accept("chaos: the Sentinels promoted " + services.redisPrimary() + " after " + failover
                            + " ms");
                    learned.put(FAILOVER_MILLIS, Long.toString(failover));
                } else {
                    services.killRabbitNode(node);
                    say.accept("chaos: killed RabbitMQ node " + node + " with SIGKILL");
                }
                sleep(Duration.between(Instant.now(), killed.plus(planned.duration())));
            } finally {
                services.restart(node); // also when the failover was not seen: the topology stays whole
            }
            ended(id, learned);
            say.accept("chaos: " + node + " is back" + (redis ? " as a replica" : " in the cluster") + " after "
                    + seconds(Duration.between(killed, Instant.now())));
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + planned.kind(), e);
        }
    }

    private void requireHa(PlannedFault planned) {
        if (ha == null) {
            throw new IllegalArgumentException(planned.kind() + " needs the HA topology (meteo demo --topology ha)");
        }
    }

    private long started(FaultKind kind, Supervisor.Slot slot, ChildProcess child, Map<String, String> detail) {
        Map<String, String> withRole = new TreeMap<>(detail);
        withRole.put(Fault.ROLE, slot.role());
        long id = history.started(kind, slot.name(), withRole);
        injected.add(new Injected(history.going().get(history.going().size() - 1), slot.role(), child.pid()));
        return id;
    }

    private void ended(long id) {
        ended(id, Map.of());
    }

    private void ended(long id, Map<String, String> learned) {
        Fault ended = history.ended(id, learned);
        injected.replaceAll(fault -> fault.fault().start().equals(ended.start())
                && fault.fault().target().equals(ended.target()) && !fault.fault().ended()
                ? new Injected(ended, fault.role(), fault.pid()) : fault);
    }

    /** The child behind a schedule's target once it is up (the active proxy: the lease holder's). */
    private Optional<Supervisor.Slot> awaitTarget(String target) {
        long deadline = System.currentTimeMillis() + TARGET_WAIT.toMillis();
        do {
            Optional<Supervisor.Slot> slot = target.equals(ACTIVE_PROXY) ? activeProxy()
                    : supervisor.slots().stream().filter(s -> s.name().equals(target)).findFirst();
            if (slot.isPresent() && slot.get().current().isAlive() && slot.get().current().ready().isDone()) {
                return slot;
            }
        } while (sleep(Duration.ofMillis(200)) && System.currentTimeMillis() < deadline);
        return Optional.empty();
    }

    private Optional<Supervisor.Slot> activeProxy() {
        String holder;
        try {
            holder = leaseHolder.get();
        } catch (RuntimeException storeDown) {
            return Optional.empty();
        }
        if (holder == null) {
            return Optional.empty();
        }
        return supervisor.slots("proxy").stream().filter(slot -> holder.equals(owner(slot.current()))).findFirst();
    }

    private static String owner(ChildProcess proxy) {
        try {
            return proxy.report().owner().orElse(null);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /**
     * Waits until the supervisor started the child again after {@code before} (and, when {@code ready}, until the new
     * process said it is ready), at most {@link #RESTART_WAIT}, even while closing: a fault ends with its child back.
     */
    private ChildProcess awaitRestart(Supervisor.Slot slot, ChildProcess before, boolean ready) {
        long deadline = System.currentTimeMillis() + RESTART_WAIT.toMillis();
        while (System.currentTimeMillis() < deadline) {
            ChildProcess now = slot.current();
            if (now != before && (!ready || now.ready().isDone())) {
                return now;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return slot.current();
    }

    private static void prlimit(ChildProcess child, String limit) throws IOException {
        Process prlimit = new ProcessBuilder("prlimit", "--pid", String.valueOf(child.pid()), limit)
                .redirectErrorStream(true).start();
        try {
            String output = new String(prlimit.getInputStream().readAllBytes()).trim();
            if (!prlimit.waitFor(10, TimeUnit.SECONDS) || prlimit.exitValue() != 0) {
                throw new IOException("prlimit --pid " + child.pid() + " " + limit + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running prlimit", e);
        }
    }

    /** Whether {@code prlimit} (util-linux) can be run, which the terminal disk fault needs. */
    public static boolean prlimitAvailable() {
        try {
            Process probe = new ProcessBuilder("prlimit", "--version").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Sleeps until {@code at}; false when closing (then at once). */
    private boolean sleepUntil(Instant at) {
        return sleep(Duration.between(Instant.now(), at));
    }

    /** Sleeps this long, or less when closing: false then. */
    private boolean sleep(Duration duration) {
        try {
            return !closing.await(Math.max(0, duration.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    /** Injects no more faults; the one under way ends now (resumed, restored, restarted) and is written as ended. */
    @Override
    public void close() throws InterruptedException {
        closing.countDown();
        Thread running;
        synchronized (this) {
            running = started;
        }
        if (running != null) {
            running.join(RESTART_WAIT.toMillis() * 2 + 10_000);
        }
    }
}
