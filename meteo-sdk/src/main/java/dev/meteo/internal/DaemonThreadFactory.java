package dev.meteo.internal;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Daemon threads named after their owner: a forgotten {@code close()} never keeps a JVM alive, and a thread dump says
 * whose each thread is. The first thread is named {@code name}, the next ones {@code name-2}, {@code name-3}...
 */
public final class DaemonThreadFactory implements ThreadFactory {

    private final String name;
    private final AtomicInteger created = new AtomicInteger();

    public DaemonThreadFactory(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public Thread newThread(Runnable task) {
        int number = created.incrementAndGet();
        Thread thread = new Thread(task, number == 1 ? name : name + "-" + number);
        thread.setDaemon(true);
        return thread;
    }

    /** Starts {@code task} on a new daemon thread named {@code name}. */
    public static Thread start(String name, Runnable task) {
        Thread thread = new DaemonThreadFactory(name).newThread(task);
        thread.start();
        return thread;
    }
}
