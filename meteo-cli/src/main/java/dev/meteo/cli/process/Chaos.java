package dev.meteo.cli.process;

import dev.meteo.cli.io.Json;
import dev.meteo.internal.DaemonThreadFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code meteo demo --chaos}: every period, kills one child with SIGKILL, as a crashed machine would, and leaves the
 * rest to the {@link Supervisor}. The kinds of child take turns in a random order, reshuffled after each round (so a
 * short run hits every kind): a compute server, a terminal, the active proxy, a load balancer, a sensor, each chosen
 * at random among the live ones of its kind. The active proxy is the one whose lease owner (its status file's
 * {@code owner}) is the store's lease holder; while no live proxy holds the lease (a takeover under way), proxies
 * wait for their turn.
 */
public final class Chaos implements AutoCloseable {

    /** The kinds of child chaos kills, as the demo's roles name them. */
    public static final List<String> ROLES = List.of("server", "terminal", "proxy", "lb", "sensor");

    /** One kill: when (epoch ms), which role, which child and process. */
    public record Kill(long atMillis, String role, String name, long pid) {
    }

    private final Supervisor supervisor;
    private final List<String> roles;
    private final Supplier<String> leaseHolder;
    private final Consumer<Kill> onKill;
    private final Random random;
    private final List<String> deck = new ArrayList<>();
    private final List<Kill> kills = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            new DaemonThreadFactory("demo-chaos"));

    /**
     * @param roles       the kinds it kills, among {@link #ROLES}
     * @param leaseHolder the store's proxy lease holder ({@code <proxy id>/<nonce>}), {@code null} when none
     * @param onKill      told of each kill, on the chaos thread
     */
    public Chaos(Supervisor supervisor, List<String> roles, Supplier<String> leaseHolder, Consumer<Kill> onKill,
                 Random random) {
        this.supervisor = supervisor;
        this.roles = List.copyOf(roles);
        this.leaseHolder = leaseHolder;
        this.onKill = onKill;
        this.random = random;
    }

    /** Kills one child every {@code period}, the first one period from now. */
    public Chaos start(Duration period) {
        thread.scheduleAtFixedRate(this::killOne, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The kills so far, oldest first. */
    public List<Kill> kills() {
        return List.copyOf(kills);
    }

    /** Kills one child of the next kind in turn that has a target now; none when no kind has one. */
    Optional<Kill> killOne() {
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
                    ChildProcess child = target.get();
                    Kill kill = new Kill(System.currentTimeMillis(), role, child.name(), child.pid());
                    child.kill();
                    kills.add(kill);
                    onKill.accept(kill);
                    return Optional.of(kill);
                }
            }
        } catch (RuntimeException e) {
            // the store did not answer, or a child went away meanwhile: try again at the next period
        }
        return Optional.empty();
    }

    private Optional<ChildProcess> target(String role) {
        List<ChildProcess> live = supervisor.children(role).stream()
                .filter(child -> child.isAlive() && child.ready().isDone()).toList();
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
            return proxy.status().map(json -> ((Map<?, ?>) Json.read(json)).get("owner")).map(String::valueOf).orElse(null);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /** Stops killing; returns once a kill under way is done (bounded). */
    @Override
    public void close() throws InterruptedException {
        thread.shutdown();
        if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
            thread.shutdownNow();
        }
    }
}
