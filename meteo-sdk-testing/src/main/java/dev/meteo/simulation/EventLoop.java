package dev.meteo.simulation;

import dev.meteo.testing.MutableClock;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Simulated time and what happens in it, on one thread: events wait for their time, and of the events that are due the
 * next to run is a seeded random one, so one seed is one schedule and another seed another. Time moves only when no
 * event is due, straight to the next one: a minute of quiet costs nothing.
 */
final class EventLoop {

    private record Event(long atMillis, long order, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(atMillis, other.atMillis);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }

    private final MutableClock clock;
    private final SplittableRandom random;
    private final PriorityQueue<Event> waiting = new PriorityQueue<>();
    private final List<Event> due = new ArrayList<>();
    private long scheduled;
    private long executed;
    private int nesting;

    EventLoop(MutableClock clock, SplittableRandom random) {
        this.clock = clock;
        this.random = random;
    }

    long now() {
        return clock.millis();
    }

    /** Runs {@code action} at {@code atMillis}, or as soon as possible when that is not in the future. */
    void at(long atMillis, Runnable action) {
        Event event = new Event(atMillis, scheduled++, action);
        if (atMillis <= clock.millis()) {
            due.add(event);
        } else {
            waiting.add(event);
        }
    }

    void after(long delayMillis, Runnable action) {
        at(clock.millis() + Math.max(0, delayMillis), action);
    }

    /**
     * Runs one event, a random one of those due; when none is due, first moves time to the next one, if that is not
     * after {@code limitMillis}. Returns false when there was none to run.
     */
    boolean step(long limitMillis) {
        if (due.isEmpty()) {
            Event next = waiting.peek();
            if (next == null || next.atMillis() > limitMillis) {
                return false;
            }
            clock.setMillis(Math.max(clock.millis(), next.atMillis()));
            while (!waiting.isEmpty() && waiting.peek().atMillis() <= clock.millis()) {
                due.add(waiting.poll());
            }
        }
        int pick = random.nextInt(due.size());
        Event event = due.get(pick);
        due.set(pick, due.get(due.size() - 1));
        due.remove(due.size() - 1);
        executed++;
        event.action().run();
        return true;
    }

    /**
     * Lets everything else happen for {@code millis} while the caller stands still: a process paused in the middle of
     * what it was doing (its own next events are not scheduled yet, so none of them runs meanwhile).
     */
    void runFor(long millis) {
        long until = clock.millis() + millis;
        nesting++;
        try {
            while (step(until)) {
                // each step runs one event
            }
            clock.setMillis(Math.max(clock.millis(), until));
        } finally {
            nesting--;
        }
    }

    /** Whether the running event is inside a {@link #runFor}: a pause within a pause is not simulated. */
    boolean nested() {
        return nesting > 0;
    }

    long eventsRun() {
        return executed;
    }
}
