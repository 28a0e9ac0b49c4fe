package dev.meteo.redis;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A Redis URI taken apart by hand, because {@link java.net.URI} cannot parse a host list
 * ({@code redis-sentinel://:pass@h1:26379,h2:26379/primary}): it leaves the user info, host and port empty, so the
 * password would be neither used nor masked. The credentials end at the last {@code @}, so a password may hold
 * {@code /}, {@code :}, {@code ,} or {@code @} as they are; {@code %XX} escapes are decoded, as in any URI (write a
 * {@code %} as {@code %25}). Error messages never quote the password.
 *
 * @param scheme   {@code redis}, {@code rediss}, {@code redis-sentinel}, {@code rediss-sentinel}, {@code redis-cluster}
 *                 or {@code rediss-cluster}
 * @param user     the ACL user, or {@code null} for the default user
 * @param password the password, or {@code null} for none
 * @param hosts    {@code host:port} of each server given, the scheme's default port filled in
 * @param path     what follows the hosts, {@code ""} or starting with {@code /}
 */
record RedisUri(String scheme, String user, String password, List<String> hosts, String path) {

    static final List<String> SCHEMES = List.of("redis", "rediss", "redis-sentinel", "rediss-sentinel",
            "redis-cluster", "rediss-cluster");

    static RedisUri parse(String text) {
        int schemeEnd = text.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : text.substring(0, schemeEnd);
        if (!SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("Redis URI must start with " + String.join("://, ", SCHEMES)
                    + "://, got " + mask(text));
        }
        String rest = text.substring(schemeEnd + 3);
        int at = rest.lastIndexOf('@');
        String userInfo = at < 0 ? null : rest.substring(0, at);
        String afterCredentials = at < 0 ? rest : rest.substring(at + 1);
        int slash = afterCredentials.indexOf('/');
        String hostList = slash < 0 ? afterCredentials : afterCredentials.substring(0, slash);
        String path = slash < 0 ? "" : afterCredentials.substring(slash);
        String user = null;
        String password = null;
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                password = decode(userInfo, "password"); // redis://PASSWORD@host, as Redis's own tools read it
            } else {
                user = colon == 0 ? null : decode(userInfo.substring(0, colon), "user");
                password = decode(userInfo.substring(colon + 1), "password");
            }
        }
        int defaultPort = scheme.endsWith("sentinel") ? 26379 : 6379;
        List<String> hosts = new ArrayList<>();
        for (String host : hostList.split(",")) {
            if (!host.isBlank()) {
                hosts.add(withPort(host.trim(), defaultPort, text));
            }
        }
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("Redis URI names no host: " + mask(text));
        }
        if (hosts.size() > 1 && (scheme.equals("redis") || scheme.equals("rediss"))) {
            throw new IllegalArgumentException("a redis:// URI names one server; for several use redis-sentinel:// "
                    + "or redis-cluster://, got " + mask(text));
        }
        return new RedisUri(scheme, user, password, List.copyOf(hosts), path);
    }

    /** {@code host:port}, the port filled in when missing; {@code [v6]:port} keeps its brackets. */
    private static String withPort(String host, int defaultPort, String text) {
        int portColon = host.startsWith("[") ? host.indexOf(':', host.indexOf(']')) : host.lastIndexOf(':');
        if (portColon < 0) {
            return host + ":" + defaultPort;
        }
        String port = host.substring(portColon + 1);
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("'" + host + "' in the Redis URI has no valid port: " + mask(text));
        }
        return host;
    }

    /** Decodes {@code %XX} escapes (UTF-8); anything else stays as written. */
    private static String decode(String raw, String what) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            if (i + 2 >= raw.length() || Character.digit(raw.charAt(i + 1), 16) < 0
                    || Character.digit(raw.charAt(i + 2), 16) < 0) {
                throw new IllegalArgumentException("the " + what + " in the Redis URI has a '%' that does not start "
                        + "an escape: write it %25");
            }
            bytes.write(Character.digit(raw.charAt(i + 1), 16) * 16 + Character.digit(raw.charAt(i + 2), 16));
            i += 2;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Whether connections use TLS: a scheme that starts with {@code rediss}. */
    boolean tls() {
        return scheme.startsWith("rediss");
    }

    /** {@code text} with everything between {@code ://} (or the start) and the last {@code @} replaced by {@code ***}. */
    static String mask(String text) {
        int at = text.lastIndexOf('@');
        if (at < 0) {
            return text;
        }
        int schemeEnd = text.indexOf("://");
        int credentialsStart = schemeEnd < 0 || schemeEnd > at ? 0 : schemeEnd + 3;
        return text.substring(0, credentialsStart) + "***" + text.substring(at);
    }
}
