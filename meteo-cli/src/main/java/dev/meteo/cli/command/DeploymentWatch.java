package dev.meteo.cli.command;

import dev.meteo.cli.dashboard.AnsiDashboardSink;
import dev.meteo.cli.dashboard.HttpDashboard;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a terminal reads from its deployment's Redis, every 2 s, best effort and never in a window's way: the rejected
 * count (window results carry the late count but not the rejected one; without Redis the dashboards show "?") and the
 * deployment's grace, which its first proxy wrote there, so that the window delay metric counts from each window's
 * close (end + grace) without the terminal being told the grace again. A Redis out of reach leaves what was read as it
 * was.
 */
final class DeploymentWatch implements AutoCloseable {

    private final RedisMeteoStore store;
    private final ScheduledExecutorService poller;
    private final AtomicLong graceMillis = new AtomicLong(-1);

    /**
     * Starts reading at once; {@code dashboards} (an {@link AnsiDashboardSink}, an {@link HttpDashboard}, or
     * {@code null}) show the rejected count.
     */
    DeploymentWatch(RedisSettings redis, List<?> dashboards) {
        this.store = new RedisMeteoStore(redis);
        this.poller = Executors.newSingleThreadScheduledExecutor(new DaemonThreadFactory("deployment-watch"));
        poller.scheduleWithFixedDelay(() -> {
            long rejected;
            try {
                graceMillis.set(store.graceMillis());
                rejected = store.rejectedCount();
            } catch (RuntimeException e) {
                return; // Redis out of reach from this terminal: what it read stays as it was
            }
            for (Object dashboard : dashboards) {
                if (dashboard instanceof AnsiDashboardSink ansi) {
                    ansi.setRejected(rejected);
                } else if (dashboard instanceof HttpDashboard web) {
                    web.setRejected(rejected);
                }
            }
        }, 0, 2, TimeUnit.SECONDS);
    }

    /** The deployment's grace in ms; -1 until read (before its first proxy, or with Redis out of reach). */
    long graceMillis() {
        return graceMillis.get();
    }

    @Override
    public void close() {
        poller.shutdownNow();
        store.close();
    }
}
