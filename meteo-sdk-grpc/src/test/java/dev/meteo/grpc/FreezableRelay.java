package dev.meteo.grpc;

import dev.meteo.internal.DaemonThreadFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay to one peer that can be frozen: while frozen it moves no byte either way and closes nothing, so the
 * connections through it stay open and silent, as with a host whose link is down. Bytes wait in the kernel's buffers
 * and flow again once it thaws.
 */
final class FreezableRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final Endpoint target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private volatile boolean frozen;
    private volatile boolean closed;

    private FreezableRelay(Endpoint target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        DaemonThreadFactory.start("relay-accept", this::accept);
    }

    static FreezableRelay to(Endpoint target) throws IOException {
        return new FreezableRelay(target);
    }

    Endpoint endpoint() {
        return new Endpoint("127.0.0.1", listener.getLocalPort());
    }

    void freeze() {
        frozen = true;
    }

    void thaw() {
        synchronized (gate) {
            frozen = false;
            gate.notifyAll();
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(target.host(), target.port());
                sockets.add(client);
                sockets.add(server);
                DaemonThreadFactory.start("relay-up", () -> pump(client, server));
                DaemonThreadFactory.start("relay-down", () -> pump(server, client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            while (true) {
                awaitThawed(); // before reading: frozen bytes stay in the kernel, unread and unacknowledged upstream
                int read = in.read(buffer);
                if (read < 0) {
                    return;
                }
                awaitThawed();
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // one side closed: the other follows
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void awaitThawed() throws InterruptedException {
        synchronized (gate) {
            while (frozen && !closed) {
                gate.wait(100);
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        sockets.forEach(FreezableRelay::closeQuietly);
    }
}
