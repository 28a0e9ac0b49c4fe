package dev.meteo.grpc;

import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.testing.PipelineContractTest;
import dev.meteo.testing.RedisProcess;
import dev.meteo.testing.SecuredRedis;
import dev.meteo.testing.TestCertificates;
import dev.meteo.transport.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The end-to-end contract with every hop secured as between hosts: mutual TLS on every gRPC server and channel (load
 * balancer, compute servers, proxy registry, terminals, sensors), and the store over {@code rediss://} as an ACL user
 * with a password, all with certificates of a CA made at test time.
 */
class GrpcTlsPipelineTest extends PipelineContractTest {

    @TempDir
    static Path dir;

    private static TestCertificates pki;
    private static SecuredRedis redis;

    @BeforeAll
    static void startSecuredRedis() {
        assumeTrue(RedisProcess.available(), "needs redis-server on the PATH for a Redis with a TLS port");
        pki = TestCertificates.authority(dir, "meteo");
        redis = SecuredRedis.start(dir, pki);
    }

    @AfterAll
    static void stopSecuredRedis() throws InterruptedException {
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    protected RedisMeteoStore createStore() {
        return redis.freshStore();
    }

    @Override
    protected Transport createTransport(String runId) {
        TestCertificates.Issued node = pki.issueForLoopback("node-" + runId);
        return GrpcTransport.of(GrpcTestSettings.inOneProcess().withTls(
                GrpcTlsSettings.of(node.certificate(), node.key(), pki.ca()).requiringClientCertificates()));
    }
}
