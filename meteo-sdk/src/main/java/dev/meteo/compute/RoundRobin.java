package dev.meteo.compute;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Round-robin choice over a changing set of members (compute servers behind a load balancer). Members can join and
 * leave at any time; {@link #next} skips members a caller wants to avoid (those that already failed a record).
 * Thread-safe; {@code next} takes no lock.
 */
public final class RoundRobin<T> {

    private volatile List<T> members = List.of();
    private final AtomicLong cursor = new AtomicLong();

    /** Adds a member unless present; returns whether it was added. */
    public synchronized boolean add(T member) {
        if (members.contains(member)) {
            return false;
        }
        List<T> copy = new ArrayList<>(members);
        copy.add(member);
        members = List.copyOf(copy);
        return true;
    }

    public synchronized boolean remove(T member) {
        if (!members.contains(member)) {
            return false;
        }
        List<T> copy = new ArrayList<>(members);
        copy.remove(member);
        members = List.copyOf(copy);
        return true;
    }

    /** The next member in turn, skipping those {@code exclude} accepts; empty when none is left. */
    public Optional<T> next(Predicate<? super T> exclude) {
        List<T> snapshot = members;
        int size = snapshot.size();
        for (int tried = 0; tried < size; tried++) {
            T candidate = snapshot.get((int) Math.floorMod(cursor.getAndIncrement(), (long) size));
            if (!exclude.test(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public Optional<T> next() {
        return next(member -> false);
    }

    public List<T> members() {
        return members;
    }
}
