package dev.meteo.redis;

import dev.meteo.inprocess.InProcessTransport;
import dev.meteo.testing.PipelineContractTest;
import dev.meteo.testing.RedisProcess;
import dev.meteo.transport.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The end-to-end contract on a 3-primary Redis Cluster of the test's own: every script touches several keys, which
 * share one hash slot because the key prefix is a hash tag, so the store works unchanged on a cluster.
 */
class RedisClusterPipelineTest extends PipelineContractTest {

    @TempDir
    static Path dir;

    private static List<RedisProcess> cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        assumeTrue(RedisProcess.available(), "needs redis-server and redis-cli on the PATH to start a cluster");
        cluster = RedisProcess.cluster(dir, 3);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            for (RedisProcess node : cluster) {
                node.close();
            }
        }
    }

    @Override
    protected RedisMeteoStore createStore() {
        String nodes = cluster.stream().map(node -> "127.0.0.1:" + node.port()).collect(Collectors.joining(","));
        RedisMeteoStore store = new RedisMeteoStore(RedisSettings.of("redis-cluster://" + nodes,
                "meteo-test:" + UUID.randomUUID() + ":"));
        store.ping();
        return store;
    }

    @Override
    protected Transport createTransport(String runId) {
        return new InProcessTransport();
    }
}
