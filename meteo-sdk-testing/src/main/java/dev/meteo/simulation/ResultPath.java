package dev.meteo.simulation;

import dev.meteo.model.WindowResult;
import dev.meteo.store.WindowHistory;
import dev.meteo.window.WindowResultPublisher;

import java.util.ArrayList;
import java.util.List;

/**
 * The result path with the direct mode's guarantee ({@code GrpcResultPublisher}): each proxy process has its own
 * publisher, where the terminals register (and renew) with the last window they hold; a publish sends every registered
 * terminal, in order, the saved results of the windows it misses ({@link WindowHistory#resultsBetween}, at most
 * {@value #MAX_CATCH_UP}), then the new window, one call after the other; a terminal that refuses a gap is sent its
 * missing windows first; the publish throws unless at least one terminal holds the new window. The simulator makes
 * calls fail (terminal down), outlast the deadline (taken later, or never answered) at the seed's rates.
 *
 * <p>Each call says after which position the proxy sends its window, so that a terminal takes a gap only when the
 * proxy knows its position and has nothing to fill the gap with. Today's {@code GrpcTerminalServer} instead takes a
 * window it refused once when it is offered again, which leaves a gap when the proxy never got the refusal
 * ({@link SimulationSettings#terminalsTakeAGapOnSecondOffer()} models that rule, and the simulation finds the gap).
 */
final class ResultPath {

    /** As {@code GrpcResultPublisher.MAX_CATCH_UP}. */
    static final int MAX_CATCH_UP = 256;
    private static final long LONGEST_SLOW_CALL_MILLIS = 3_000;
    /** As a terminal renews its 6 s registration in direct mode. */
    private static final long RENEW_EVERY_MILLIS = 2_000;

    private final SimulatedDeployment deployment;
    private final List<SimulatedTerminal> terminals;
    private final WindowHistory history;
    private final List<Publisher> open = new ArrayList<>();
    private final boolean takeGapOnSecondOffer;
    /** Calls that outlasted their deadline and reach their terminal later. */
    private long slowCallsOnTheWay;
    long slowCalls;
    long answersLost;

    ResultPath(SimulatedDeployment deployment, List<SimulatedTerminal> terminals, WindowHistory history,
               boolean takeGapOnSecondOffer) {
        this.deployment = deployment;
        this.terminals = terminals;
        this.history = history;
        this.takeGapOnSecondOffer = takeGapOnSecondOffer;
    }

    /** A new proxy process's publisher; the terminals that are up register with it. */
    Publisher open(String proxyId) {
        Publisher publisher = new Publisher(proxyId);
        for (SimulatedTerminal terminal : terminals) {
            if (!terminal.down()) {
                publisher.register(terminal);
            }
        }
        open.add(publisher);
        return publisher;
    }

    /** A (re)started terminal registers with every proxy, with the last window it holds. */
    void registerEverywhere(SimulatedTerminal terminal) {
        for (Publisher publisher : open) {
            publisher.register(terminal);
        }
    }

    /**
     * Every terminal renews its registration with every proxy every third of its lease (6 s in direct mode), saying
     * where it stands now; a terminal that is down renews nothing.
     */
    void renewRegistrations(SimulatedTerminal terminal) {
        if (!terminal.down()) {
            for (Publisher publisher : open) {
                publisher.renew(terminal);
            }
        }
        deployment.loop.after(RENEW_EVERY_MILLIS - 100 + deployment.random.nextLong(201),
                () -> renewRegistrations(terminal));
    }

    boolean quiet() {
        return slowCallsOnTheWay == 0;
    }

    /**
     * The position a terminal's reply carries, or {@code null} when the proxy got no answer in time. The proxy sends
     * {@code window} as the one after {@code sentAfterMillis}, the position it believes the terminal holds (0: unknown).
     */
    private Long call(SimulatedTerminal terminal, WindowResult window, long sentAfterMillis) {
        if (terminal.down()) {
            return null;
        }
        if (deployment.chance(deployment.network.slowTerminalRate)) {
            slowCalls++;
            slowCallsOnTheWay++;
            int incarnation = terminal.incarnation();
            deployment.loop.after(1 + deployment.random.nextLong(LONGEST_SLOW_CALL_MILLIS), () -> {
                slowCallsOnTheWay--;
                if (terminal.incarnation() == incarnation) {
                    long holds = terminal.receive(window, sentAfterMillis, takeGapOnSecondOffer);
                    deployment.trace.event(deployment.loop.now(), terminal.id, "takes a late call", window.end(), holds);
                }
            });
            return null;
        }
        long holds = terminal.receive(window, sentAfterMillis, takeGapOnSecondOffer);
        deployment.trace.event(deployment.loop.now(), terminal.id, "takes a call", window.end(), holds);
        if (deployment.chance(deployment.network.lostTerminalAnswerRate)) {
            answersLost++;
            return null;
        }
        return holds;
    }

    /** One proxy process's publisher. */
    final class Publisher implements WindowResultPublisher {

        private final class Link {
            final SimulatedTerminal terminal;
            /** The terminal process that registered (its instance id in direct mode). */
            final int incarnation;
            /** The end of the last window the terminal said it holds; 0 when unknown. */
            long lastEndMillis;

            Link(SimulatedTerminal terminal, int incarnation, long lastEndMillis) {
                this.terminal = terminal;
                this.incarnation = incarnation;
                this.lastEndMillis = lastEndMillis;
            }
        }

        private final String proxyId;
        private final List<Link> links = new ArrayList<>();
        private boolean closed;

        private Publisher(String proxyId) {
            this.proxyId = proxyId;
        }

        /** A terminal instance registers: a new link, from the position it says. */
        private void register(SimulatedTerminal terminal) {
            links.removeIf(link -> link.terminal == terminal);
            links.add(new Link(terminal, terminal.incarnation(), terminal.lastEndMillis()));
        }

        /** A renewal says where the terminal stands now (another proxy may have delivered meanwhile). */
        private void renew(SimulatedTerminal terminal) {
            for (Link link : links) {
                if (link.terminal == terminal && link.incarnation == terminal.incarnation()) {
                    link.lastEndMillis = Math.max(link.lastEndMillis, terminal.lastEndMillis());
                    return;
                }
            }
            register(terminal);
        }

        @Override
        public void publish(WindowResult result) {
            if (closed) {
                throw new IllegalStateException("the publisher of " + proxyId + " is closed");
            }
            if (links.isEmpty()) {
                throw new IllegalStateException("no terminal is registered: window " + result.start() + " is kept");
            }
            int holding = 0;
            for (Link link : List.copyOf(links)) {
                if (deliver(link, result)) {
                    holding++;
                }
            }
            if (holding == 0) {
                throw new IllegalStateException("no terminal of " + links.size() + " took window " + result.start());
            }
        }

        private boolean deliver(Link link, WindowResult result) {
            List<WindowResult> due = missing(link, result);
            long sentAfter = link.lastEndMillis;
            int gapsLeft = 1;
            for (int i = 0; i < due.size(); i++) {
                WindowResult window = due.get(i);
                Long holds = call(link.terminal, window, sentAfter);
                if (holds == null) {
                    return false; // that terminal catches up at a later publish
                }
                if (holds > 0) {
                    link.lastEndMillis = holds;
                }
                sentAfter = window.end().toEpochMilli();
                if (holds > 0 && holds < window.start().toEpochMilli() && gapsLeft > 0) {
                    gapsLeft--; // it holds less than we thought: start again from where it stands
                    due = missing(link, result);
                    sentAfter = link.lastEndMillis;
                    i = -1;
                }
            }
            return link.lastEndMillis >= result.end().toEpochMilli();
        }

        private List<WindowResult> missing(Link link, WindowResult result) {
            long holds = link.lastEndMillis;
            long start = result.start().toEpochMilli();
            List<WindowResult> due = new ArrayList<>();
            if (holds > 0 && holds < start) {
                List<WindowResult> saved = history.resultsBetween(holds, start);
                due.addAll(saved.subList(0, Math.min(saved.size(), MAX_CATCH_UP)));
            }
            if (due.size() < MAX_CATCH_UP) {
                due.add(result);
            }
            return due;
        }

        /** The proxy process is gone: terminals no longer register with it. */
        @Override
        public void close() {
            closed = true;
            open.remove(this);
        }
    }
}
