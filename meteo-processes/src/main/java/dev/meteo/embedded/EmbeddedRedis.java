package dev.meteo.embedded;

import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;
import redis.embedded.model.OsArchitecture;
import redis.embedded.util.IO;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * A real {@code redis-server} (6.2, the binary shipped inside {@code com.github.codemonstur:embedded-redis}) run as a
 * child process of this JVM, for the demo when no Redis answers.
 *
 * <p>Bound to 127.0.0.1 only, no password, durable as Meteo needs a Redis to be (docs/redis-keys.md, durability):
 * an append-only file synced every second ({@code appendonly yes}, {@code appendfsync everysec}), no snapshots, in the
 * temporary folder, so that a restart of the server would not lose acknowledged records; its data lives as long as
 * the process. The binary is extracted into a temporary folder that {@link #close()} deletes. Start-up
 * takes about 0.1 s once the 10 MB binary is extracted (about 0.2 s the first time). Binaries exist for Linux x86-64,
 * x86 and arm64, macOS x86-64 and arm64, and Windows x86-64 (Redis 5 there).
 *
 * <p>On Unix the server runs under a small {@code sh} wrapper that stops it when this JVM's end of its standard
 * input closes, so it does not outlive the demo even when the demo is killed with SIGKILL; the wrapper then deletes
 * the extracted binary and the generated config file too.
 *
 * <p>Not thread-safe: start and close from one thread.
 */
public final class EmbeddedRedis implements AutoCloseable {

    /** Used when nothing else listens on it, so that roles started by hand with defaults find this Redis. */
    public static final int DEFAULT_PORT = 6379;

    private static final String WATCHDOG = """
            #!/bin/sh
            # Runs redis-server; stops it on SIGTERM and when the JVM that started us goes away (our stdin closes).
            exec 3<&0
            %s "$@" </dev/null 3<&- &
            redis=$!
            ( while read -r _; do :; done <&3; kill -TERM "$redis" 2>/dev/null ) &
            watcher=$!
            exec 3<&-
            trap 'kill -TERM "$redis" 2>/dev/null' TERM INT HUP
            while kill -0 "$redis" 2>/dev/null; do wait "$redis"; done
            kill "$watcher" 2>/dev/null
            # Our temporary files, for when the JVM could not delete them (killed).
            case "$1" in */embedded-redis-server_*.conf) rm -f "$1" ;; esac
            rm -rf "$(dirname "$0")"
            """;

    private Path folder;
    private RedisServer server;
    private int port;
    private Duration startupTime;

    /**
     * Starts the server on {@link #DEFAULT_PORT} when that is free, otherwise on a free loopback port, and returns
     * once it accepts connections.
     *
     * @return where to reach it, {@code redis://127.0.0.1:<port>/0}
     * @throws IOException when the binary cannot be extracted or run here (e.g. a {@code noexec} temp folder)
     */
    public URI start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started on port " + port);
        }
        long began = System.nanoTime();
        folder = Files.createTempDirectory("meteo-redis-");
        try {
            File executable = executable(folder);
            IOException last = null;
            for (int attempt = 0; attempt < 2 && server == null; attempt++) {
                int candidate = attempt == 0 ? LoopbackPorts.preferredOrFree(DEFAULT_PORT) : LoopbackPorts.free();
                RedisServer candidateServer = RedisServer.newRedisServer()
                        .executableProvider(() -> executable)
                        .bind(LoopbackPorts.HOST)
                        .port(candidate)
                        .setting("save \"\"")
                        .setting("appendonly yes")
                        .setting("appendfsync everysec")
                        .setting("dir " + folder.toAbsolutePath())
                        .onShutdownForceStop(false)
                        .build();
                try {
                    candidateServer.start();
                    server = candidateServer;
                    port = candidate;
                } catch (IOException e) {
                    last = e; // most likely the port was taken between the check and the bind: try another
                }
            }
            if (server == null) {
                throw last;
            }
        } catch (IOException | RuntimeException e) {
            LoopbackPorts.deleteRecursively(folder);
            folder = null;
            throw e;
        }
        startupTime = Duration.ofNanos(System.nanoTime() - began);
        return uri();
    }

    /** {@code redis://127.0.0.1:<port>/0}; only after {@link #start()}. */
    public URI uri() {
        requireStarted();
        return URI.create("redis://" + LoopbackPorts.HOST + ":" + port + "/0");
    }

    /** The loopback port it listens on; only after {@link #start()}. */
    public int port() {
        requireStarted();
        return port;
    }

    /** How long {@link #start()} took, extraction of the binary included. */
    public Duration startupTime() {
        requireStarted();
        return startupTime;
    }

    /** Stops the server (SIGTERM, then waits for it) and deletes its folder. Idempotent. */
    @Override
    public void close() throws IOException {
        try {
            if (server != null) {
                server.stop();
            }
        } finally {
            server = null;
            LoopbackPorts.deleteRecursively(folder);
            folder = null;
        }
    }

    private void requireStarted() {
        if (server == null) {
            throw new IllegalStateException("the embedded Redis is not started");
        }
    }

    /** Extracts the binary for this OS into the folder; on Unix returns the watchdog wrapper around it. */
    private static File executable(Path folder) throws IOException {
        String resource = ExecutableProvider.newProvidedVersionsMap().get(OsArchitecture.detectOSandArchitecture());
        if (resource == null) {
            throw new IOException("embedded-redis ships no redis-server for " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch"));
        }
        File binary = IO.writeResourceToExecutableFile(folder.toFile(), resource);
        if (System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("windows")) {
            return binary;
        }
        Path wrapper = folder.resolve("redis-server-watchdog.sh");
        Files.writeString(wrapper, WATCHDOG.formatted(shellQuoted(binary.getAbsolutePath())), StandardCharsets.UTF_8);
        if (!wrapper.toFile().setExecutable(true, true)) {
            throw new IOException("cannot make " + wrapper + " executable");
        }
        return wrapper.toFile();
    }

    private static String shellQuoted(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
