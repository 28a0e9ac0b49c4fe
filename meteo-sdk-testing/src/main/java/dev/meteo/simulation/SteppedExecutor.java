package dev.meteo.simulation;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A compute node's write executor that runs nothing by itself: each task waits for the simulator to run it as an
 * event ({@link SimulatedNode}), so a node's writes interleave with everything else in the seed's order, and a crashed
 * node's waiting writes are simply never run.
 */
final class SteppedExecutor implements Executor {

    private final Deque<Runnable> tasks = new ArrayDeque<>();
    private final Consumer<SteppedExecutor> onTask;

    /** {@code onTask} is told of every task given, to schedule the event that will run it. */
    SteppedExecutor(Consumer<SteppedExecutor> onTask) {
        this.onTask = onTask;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        onTask.accept(this);
    }

    /** Runs the oldest task waiting, if any. */
    void runOne() {
        Runnable task = tasks.poll();
        if (task != null) {
            task.run();
        }
    }

    boolean idle() {
        return tasks.isEmpty();
    }
}
