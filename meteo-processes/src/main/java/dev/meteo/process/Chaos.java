package dev.meteo.process;

import dev.meteo.cli.io.Json;
import dev.meteo.internal.DaemonThreadFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code meteo demo --chaos}: every period, strikes one child with a fault, as a failing machine would, and leaves the
 * rest to the {@link Supervisor}: {@code kill} (SIGKILL: a crash; the supervisor starts it again) or {@code pause}
 * (SIGSTOP for a while, then SIGCONT: a long GC pause, a VM migration; the child keeps its connections and its work in
 * flight and goes on where it stopped, possibly after its peers gave that work to others). The kinds of child take
 * turns in a random order, reshuffled after each round (so a short run hits every kind): a compute server, a terminal,
 * the active proxy, a load balancer, a sensor, each chosen at random among the live ones of its kind, the fault at
 * random among those enabled. The active proxy is the one whose lease owner (its status file's {@code owner}) is the
 * store's lease holder; while no live proxy holds the lease (a takeover under way), proxies wait for their turn.
 * A paused child is resumed when its pause ends or when chaos closes, whichever comes first.
 */
public final class Chaos implements AutoCloseable {

    /** The kinds of child chaos strikes, as the demo's roles name them. */
    public static final List<String> ROLES = List.of("server", "terminal", "proxy", "lb", "sensor");

    /** The faults chaos injects. */
    public static final List<String> FAULTS = List.of("kill", "pause");

    /**
     * One fault: when it started and ended (epoch ms; a kill ends when it starts), which fault, role, child and process.
     */
    public record Fault(long atMillis, long endMillis, String kind, String role, String name, long pid) {

        public boolean isKill() {
            return kind.equals("kill");
        }
    }

    private final Supervisor supervisor;
    private final List<String> roles;
    private final List<String> faults;
    private final Duration minPause;
    private final Duration maxPause;
    private final Supplier<String> leaseHolder;
    private final Consumer<Fault> onFault;
    private final Random random;
    private final List<String> deck = new ArrayList<>();
    private final List<Fault> history = new CopyOnWriteArrayList<>();
    private final Map<ChildProcess, Long> paused = new ConcurrentHashMap<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            new DaemonThreadFactory("demo-chaos"));

    /**
     * @param roles       the kinds it strikes, among {@link #ROLES}
     * @param faults      the faults it injects, among {@link #FAULTS}
     * @param minPause    the shortest pause; each pause lasts between this and {@code maxPause}, at random
     * @param leaseHolder the store's proxy lease holder ({@code <proxy id>/<nonce>}), {@code null} when none
     * @param onFault     told of each fault as it starts, and of each pause as it ends, on the chaos thread
     */
    public Chaos(Supervisor supervisor, List<String> roles, List<String> faults, Duration minPause, Duration maxPause,
                 Supplier<String> leaseHolder, Consumer<Fault> onFault, Random random) {
        this.supervisor = supervisor;
        this.roles = List.copyOf(roles);
        this.faults = List.copyOf(faults);
        this.minPause = minPause;
        this.maxPause = maxPause;
        this.leaseHolder = leaseHolder;
        this.onFault = onFault;
        this.random = random;
    }

    /** Strikes one child every {@code period}, the first one period from now. */
    public Chaos start(Duration period) {
        thread.scheduleAtFixedRate(this::strikeOne, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The kills so far, oldest first. */
    public List<Fault> kills() {
        return history.stream().filter(Fault::isKill).toList();
    }

    /** Every fault so far, oldest first; a pause still under way has no end yet ({@code endMillis} 0). */
    public List<Fault> faults() {
        return List.copyOf(history);
    }

    /** Strikes one child of the next kind in turn that has a target now; none when no kind has one. */
    Optional<Fault> strikeOne() {
        try {
            if (deck.isEmpty()) {
                deck.addAll(roles);
                Collections.shuffle(deck, random);
            }
            for (int i = 0; i < deck.size(); i++) {
                String role = deck.get(i);
                Optional<ChildProcess> target = target(role);
                if (target.isPresent()) {
                    deck.remove(i);
                    return Optional.of(strike(role, target.get(), faults.get(random.nextInt(faults.size()))));
                }
            }
        } catch (RuntimeException e) {
            // the store did not answer, or a child went away meanwhile: try again at the next period
        }
        return Optional.empty();
    }

    private Fault strike(String role, ChildProcess child, String kind) {
        long now = System.currentTimeMillis();
        if (kind.equals("kill")) {
            Fault kill = new Fault(now, now, kind, role, child.name(), child.pid());
            child.kill();
            history.add(kill);
            onFault.accept(kill);
            return kill;
        }
        long spread = maxPause.toMillis() - minPause.toMillis();
        long length = minPause.toMillis() + (spread <= 0 ? 0 : (long) (random.nextDouble() * spread));
        Fault pause = new Fault(now, 0, kind, role, child.name(), child.pid());
        child.pause();
        paused.put(child, now);
        history.add(pause);
        onFault.accept(pause);
        thread.schedule(() -> resume(child, pause), length, TimeUnit.MILLISECONDS);
        return pause;
    }

    private void resume(ChildProcess child, Fault pause) {
        if (paused.remove(child) == null) {
            return; // resumed already (closing)
        }
        try {
            child.resume();
        } catch (RuntimeException gone) {
            // the child exited meanwhile
        }
        Fault ended = new Fault(pause.atMillis(), System.currentTimeMillis(), pause.kind(), pause.role(), pause.name(),
                pause.pid());
        history.replaceAll(fault -> fault == pause ? ended : fault);
        onFault.accept(ended);
    }

    private Optional<ChildProcess> target(String role) {
        List<ChildProcess> live = supervisor.children(role).stream()
                .filter(child -> child.isAlive() && child.ready().isDone() && !paused.containsKey(child)).toList();
        if (role.equals("proxy")) {
            String holder;
            try {
                holder = leaseHolder.get();
            } catch (RuntimeException storeDown) {
                return Optional.empty(); // no active proxy to be found now: the other kinds take this turn
            }
            return holder == null ? Optional.empty()
                    : live.stream().filter(proxy -> holder.equals(owner(proxy))).findFirst();
        }
        return live.isEmpty() ? Optional.empty() : Optional.of(live.get(random.nextInt(live.size())));
    }

    /** The lease owner a proxy process said it writes, from its live status; {@code null} before it said. */
    private static String owner(ChildProcess proxy) {
        try {
            return proxy.report().owner().orElse(null);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /** Stops striking and resumes every paused child; returns once a fault under way is done (bounded). */
    @Override
    public void close() throws InterruptedException {
        thread.shutdown();
        if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
            thread.shutdownNow();
        }
        for (ChildProcess child : List.copyOf(paused.keySet())) {
            history.stream().filter(fault -> fault.pid() == child.pid() && fault.endMillis() == 0).findFirst()
                    .ifPresent(pause -> resume(child, pause));
        }
    }
}
