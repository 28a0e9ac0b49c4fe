package dev.meteo.cli.command;

import dev.meteo.cli.io.Console;
import dev.meteo.internal.TroubleLog;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.transport.WrongDeploymentException;

import java.time.Duration;

/**
 * Indirect mode's deployment check. The work queue is shared by name, so a compute server whose {@code --redis-prefix}
 * is not its deployment's would take its share of the records and store them where the deployment never reads them.
 * So the deployment's first proxy records the work queue under the deployment's Redis prefix, and a compute server
 * consumes only once its Redis prefix holds a deployment that uses its work queue: it waits, consuming nothing, while
 * none is recorded there, and stops (exit code 4) when another one is. A proxy whose work queue differs from the one
 * recorded stops too.
 */
final class DeploymentWorkQueue {

    private static final Duration POLL = Duration.ofSeconds(1);

    private DeploymentWorkQueue() {
    }

    /**
     * The proxy: records {@code workQueue} as its deployment's, unless one is recorded already.
     *
     * @throws WrongDeploymentException when the deployment under this Redis prefix consumes another work queue
     */
    static void record(RedisMeteoStore store, String workQueue) throws InterruptedException {
        String recorded = Retry.until("Redis at " + store.settings().redactedUri(), () -> store.recordWorkQueue(workQueue));
        if (!recorded.equals(workQueue)) {
            throw new WrongDeploymentException(mismatch(store, recorded, workQueue, "proxy"), null);
        }
    }

    /**
     * A compute server: returns once its Redis prefix holds a deployment consuming {@code workQueue}, saying once
     * what it waits for meanwhile.
     *
     * @throws WrongDeploymentException when the deployment under this Redis prefix consumes another work queue
     * @throws InterruptedException     when stopped while waiting
     */
    static void awaitOwn(RedisMeteoStore store, String workQueue) throws InterruptedException {
        String prefix = store.settings().keyPrefix();
        TroubleLog waiting = new TroubleLog(problem -> Console.info("waiting for a deployment: " + problem),
                () -> Console.info("deployment found under Redis prefix " + prefix + ": consuming " + workQueue),
                Duration.ofDays(1)); // one line while it waits, however long
        while (true) {
            String recorded = Retry.until("Redis at " + store.settings().redactedUri(), store::workQueue);
            if (workQueue.equals(recorded)) {
                waiting.recovered();
                return;
            }
            if (recorded != null) {
                throw new WrongDeploymentException(mismatch(store, recorded, workQueue, "compute server"), null);
            }
            waiting.problem("Redis prefix " + prefix + " at " + store.settings().redactedUri() + " holds no deployment "
                    + "yet (its first proxy records one); not consuming " + workQueue + " meanwhile. If the deployment's "
                    + "proxy runs already, this server's --redis-prefix is not the deployment's");
            Thread.sleep(POLL.toMillis());
        }
    }

    private static String mismatch(RedisMeteoStore store, String recorded, String mine, String role) {
        return "Redis prefix " + store.settings().keyPrefix() + " holds a deployment whose compute servers consume "
                + recorded + ", but this " + role + " would use " + mine + ": give it the deployment's --rabbit-prefix ("
                + recorded.substring(0, Math.max(0, recorded.lastIndexOf('.'))) + "), or the --redis-prefix of the "
                + "deployment that uses " + mine + (role.equals("proxy") ? " (or 'meteo reset' this one to start anew)" : "");
    }
}
