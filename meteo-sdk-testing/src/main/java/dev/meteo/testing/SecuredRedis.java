package dev.meteo.testing;

import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;

import java.nio.file.Path;
import java.util.UUID;

/**
 * A {@code redis-server} of a test's own as a deployment across hosts would run it: a TLS port whose certificate the
 * test's CA signed, and an ACL user with a password of its own ({@value #USER}), reached as
 * {@code rediss://meteo:PASSWORD@127.0.0.1:PORT/0}. Its plaintext port is the test's, for set-up only.
 */
public final class SecuredRedis implements AutoCloseable {

    /** The ACL user the pipeline connects as. */
    public static final String USER = "meteo";

    private final RedisProcess process;
    private final String password;
    private final Path ca;

    private SecuredRedis(RedisProcess process, String password, Path ca) {
        this.process = process;
        this.password = password;
        this.ca = ca;
    }

    /** Starts it with a certificate for 127.0.0.1 and localhost from {@code pki}; its files go in {@code dir}. */
    public static SecuredRedis start(Path dir, TestCertificates pki) {
        String password = UUID.randomUUID().toString();
        RedisProcess process = RedisProcess.startWithTls(dir, pki.issueForLoopback("redis"), pki.ca(),
                "--user", USER, "on", ">" + password, "~*", "&*", "+@all");
        return new SecuredRedis(process, password, pki.ca());
    }

    /** {@code rediss://meteo:PASSWORD@127.0.0.1:TLSPORT/0}. */
    public String uri() {
        return "rediss://" + USER + ":" + password + "@127.0.0.1:" + process.tlsPort() + "/0";
    }

    /** The settings of a store over TLS as the ACL user, trusting the test's CA, keys under a fresh prefix. */
    public RedisSettings settings() {
        return RedisSettings.of(uri(), "meteo-test:" + UUID.randomUUID() + ":").withTrustedCa(ca);
    }

    /** A store on {@link #settings()}, answering. */
    public RedisMeteoStore freshStore() {
        RedisMeteoStore store = new RedisMeteoStore(settings());
        store.ping();
        return store;
    }

    public RedisProcess process() {
        return process;
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
