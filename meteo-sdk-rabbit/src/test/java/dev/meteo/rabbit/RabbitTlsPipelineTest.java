package dev.meteo.rabbit;

import dev.meteo.rabbit.sensor.RabbitRecordPublisher;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.testing.PipelineContractTest;
import dev.meteo.testing.RedisProcess;
import dev.meteo.testing.SecuredRedis;
import dev.meteo.testing.TestCertificates;
import dev.meteo.transport.AccessRefusedException;
import dev.meteo.transport.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The end-to-end contract as between hosts in indirect mode: every role on {@code amqps://} to a RabbitMQ node of the
 * test's own with a TLS listener, as a user of its own on a virtual host of its own (not guest), and the store over
 * {@code rediss://} as an ACL user; certificates of a CA made at test time. Also: a wrong password or a virtual host
 * the user may not use is refused once, with what to do, and the broker's certificate is checked against the CA.
 */
class RabbitTlsPipelineTest extends PipelineContractTest {

    private static final String VHOST = "meteo-tls";
    private static final String USER = "meteo";

    @TempDir
    static Path dir;

    private static TestCertificates pki;
    private static SecuredRedis redis;
    private static RabbitProcess broker;
    private static String password;

    @BeforeAll
    static void startSecuredServices() throws Exception {
        assumeTrue(RabbitProcess.available(), "needs RabbitMQ's scripts in /usr/lib/rabbitmq/bin to start a broker with "
                + "a TLS listener");
        assumeTrue(RedisProcess.available(), "needs redis-server on the PATH for a Redis with a TLS port");
        pki = TestCertificates.authority(dir, "meteo");
        redis = SecuredRedis.start(dir, pki);
        broker = RabbitProcess.withTls(dir, pki.issueForLoopback("rabbit"), pki.ca());
        password = UUID.randomUUID().toString();
        broker.ctl("add_vhost", VHOST);
        broker.ctl("add_user", USER, password);
        broker.ctl("set_permissions", "-p", VHOST, USER, ".*", ".*", ".*");
        broker.ctl("add_user", "stranger", "stranger-password"); // no permission on any virtual host
    }

    @AfterAll
    static void stopSecuredServices() throws Exception {
        if (broker != null) {
            broker.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static RabbitSettings settings(String user, String secret, String prefix) {
        return RabbitTestSupport.tuned(RabbitSettings.of("amqps://" + user + ":" + secret + "@127.0.0.1:"
                + broker.sslPort() + "/" + VHOST), prefix).withTrustedCa(pki.ca());
    }

    @Override
    protected RedisMeteoStore createStore() {
        return redis.freshStore();
    }

    @Override
    protected Transport createTransport(String runId) {
        return RabbitTransport.of(settings(USER, password, "meteo-test-" + runId));
    }

    @Test
    void aWrongPasswordIsRefusedOnceNamingTheUserAndTheBroker() {
        AccessRefusedException refused = assertThrows(AccessRefusedException.class,
                () -> RabbitConnections.open(settings(USER, "not-the-password", "meteo-test"), "wrong-password"));
        assertTrue(refused.getMessage().contains("refused the login of user 'meteo'"), refused.getMessage());
        assertTrue(refused.getMessage().contains("amqps://meteo:***@127.0.0.1:" + broker.sslPort() + "/" + VHOST),
                refused.getMessage());
        assertFalse(refused.getMessage().contains("not-the-password"), refused.getMessage());
    }

    @Test
    void aUserWithoutTheVirtualHostIsRefusedWithTheCommandThatGrantsIt() {
        AccessRefusedException refused = assertThrows(AccessRefusedException.class,
                () -> RabbitRecordPublisher.open(settings("stranger", "stranger-password", "meteo-test")));
        assertTrue(refused.getMessage().contains("rabbitmqctl set_permissions -p " + VHOST + " stranger"),
                refused.getMessage());
    }

    @Test
    void theBrokersCertificateIsCheckedAgainstTheCa() {
        TestCertificates other = TestCertificates.authority(dir, "other");
        RabbitSettings distrustful = settings(USER, password, "meteo-test").withTrustedCa(other.ca());
        UncheckedIOException refused = assertThrows(UncheckedIOException.class,
                () -> RabbitConnections.open(distrustful, "other-ca"));
        assertTrue(String.valueOf(refused.getMessage()).toLowerCase().contains("certificat")
                || refused.getCause() instanceof javax.net.ssl.SSLException, refused.toString());
    }
}
