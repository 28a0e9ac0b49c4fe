package dev.meteo.nemesis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A delaying TCP relay: listens on an address, connects each accepted connection to the target, and holds every chunk
 * it reads, in each direction, for a delay before passing it on, as a slow or distant link would. Order is kept (a
 * chunk never overtakes the one before it, whatever their delays), as is a half-close (the end of a stream is passed
 * on after the data before it). Put between a role and its peer (a sensor and its load balancer, a proxy and a
 * terminal), with no delay while the link is healthy; {@link #setDelay} makes it slow for a fault and fast again.
 *
 * <p>One thread and a selector serve every connection; a direction holding more than {@value #MAX_HELD_BYTES} bytes
 * stops reading until it has passed them on, so a fast sender is slowed instead of filling memory. Closing it stops
 * listening and closes every connection at once.
 */
public final class SlowLink implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SlowLink.class.getName());
    private static final int CHUNK_BYTES = 16 * 1024;
    static final int MAX_HELD_BYTES = 1024 * 1024;

    /** How long each chunk is held; called on the relay's thread, once per chunk. */
    @FunctionalInterface
    public interface Delay {

        /** No delay: the link as it is. */
        Delay NONE = () -> 0;

        long nextNanos();

        /** The same delay for every chunk. */
        static Delay fixed(Duration delay) {
            long nanos = delay.toNanos();
            return () -> nanos;
        }

        /** A delay drawn uniformly in {@code [min, max]} per chunk, from {@code seed} (a replayed run draws the same). */
        static Delay between(Duration min, Duration max, long seed) {
            if (max.compareTo(min) < 0) {
                throw new IllegalArgumentException("a delay between " + min + " and " + max + " is empty");
            }
            Random random = new Random(seed);
            long from = min.toNanos();
            long span = max.toNanos() - from;
            return () -> from + (long) (random.nextDouble() * span);
        }
    }

    private final InetSocketAddress target;
    private final ServerSocketChannel listener;
    private final Selector selector;
    private final Thread thread;
    private final List<Pipe> pipes = new ArrayList<>();
    private volatile Delay delay;
    private volatile boolean running = true;

    private SlowLink(InetSocketAddress target, ServerSocketChannel listener, Selector selector, Delay delay) {
        this.target = target;
        this.listener = listener;
        this.selector = selector;
        this.delay = delay;
        this.thread = new Thread(this::run, "slow-link-" + listener.socket().getLocalPort() + "-to-" + target);
        this.thread.setDaemon(true);
    }

    /**
     * Starts relaying connections made to {@code listen} (port 0: any free one, see {@link #address()}) to
     * {@code target}, each chunk held for {@code delay}.
     *
     * @throws UncheckedIOException if it cannot listen there
     */
    public static SlowLink start(InetSocketAddress listen, InetSocketAddress target, Delay delay) {
        Objects.requireNonNull(target, "target");
        ServerSocketChannel listener = null;
        Selector selector = null;
        try {
            selector = Selector.open();
            listener = ServerSocketChannel.open();
            listener.bind(listen);
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
            SlowLink link = new SlowLink(target, listener, selector, delay);
            link.thread.start();
            return link;
        } catch (IOException e) {
            closeQuietly(listener);
            closeQuietly(selector);
            throw new UncheckedIOException("cannot listen on " + listen + " for a slow link to " + target + ": "
                    + e.getMessage(), e);
        }
    }

    /** Where it listens: give this to the role that should reach the target through the slow link. */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.socket().getLocalSocketAddress();
    }

    /** Holds the chunks read from now on for {@code delay} (those held already keep theirs). */
    public void setDelay(Delay delay) {
        this.delay = Objects.requireNonNull(delay, "delay");
    }

    /** Connections open now. */
    public int connections() {
        synchronized (pipes) {
            return pipes.size();
        }
    }

    /** Stops listening and closes every connection, within a second. Idempotent. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "SlowLink[" + address() + " -> " + target + "]";
    }

    // ---- the relay's thread

    /** Bytes read from one side, held until {@code dueNanos}; {@code data == null} is the end of the stream. */
    private record Chunk(long dueNanos, ByteBuffer data) {
    }

    /** One direction of a connection: what was read from {@code from} and is held for {@code to}. */
    private static final class Direction {
        final SocketChannel from;
        final SocketChannel to;
        final Deque<Chunk> held = new ArrayDeque<>();
        long heldBytes;
        long lastDueNanos = Long.MIN_VALUE;
        boolean ended;       // the end of the stream was read from `from`
        boolean passedOnEnd; // ... and passed on to `to`
        boolean writeBlocked;

        Direction(SocketChannel from, SocketChannel to) {
            this.from = from;
            this.to = to;
        }
    }

    private final class Pipe {
        final SocketChannel client;
        final SocketChannel server;
        final Direction up;
        final Direction down;
        boolean connected;

        Pipe(SocketChannel client, SocketChannel server) {
            this.client = client;
            this.server = server;
            this.up = new Direction(client, server);
            this.down = new Direction(server, client);
        }

        boolean done() {
            return up.passedOnEnd && down.passedOnEnd;
        }

        void close() {
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    private void run() {
        try {
            while (running) {
                long now = System.nanoTime();
                long nextDue = passOnDue(now);
                long waitMillis = nextDue == Long.MAX_VALUE ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(
                        nextDue - now + 999_999));
                selector.select(waitMillis);
                for (SelectionKey key : selector.selectedKeys()) {
                    handle(key);
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, this + " stopped: " + e, e);
        } finally {
            synchronized (pipes) {
                pipes.forEach(Pipe::close);
                pipes.clear();
            }
            closeQuietly(listener);
            closeQuietly(selector);
        }
    }

    private void handle(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        if (key.channel() == listener) {
            accept();
            return;
        }
        Pipe pipe = (Pipe) key.attachment();
        try {
            if (key.isConnectable()) {
                pipe.server.finishConnect();
                pipe.connected = true;
            }
            if (key.isValid() && key.isReadable()) {
                SocketChannel channel = (SocketChannel) key.channel();
                read(channel == pipe.client ? pipe.up : pipe.down);
            }
            if (key.isValid() && key.isWritable()) {
                SocketChannel channel = (SocketChannel) key.channel();
                (channel == pipe.client ? pipe.down : pipe.up).writeBlocked = false; // try again in passOnDue
            }
            updateInterest(pipe);
        } catch (IOException e) {
            drop(pipe, e);
        }
    }

    private void accept() {
        SocketChannel client = null;
        SocketChannel server = null;
        try {
            client = listener.accept();
            if (client == null) {
                return;
            }
            client.configureBlocking(false);
            server = SocketChannel.open();
            server.configureBlocking(false);
            Pipe pipe = new Pipe(client, server);
            pipe.connected = server.connect(target);
            synchronized (pipes) {
                pipes.add(pipe);
            }
            client.register(selector, 0, pipe);
            server.register(selector, 0, pipe);
            updateInterest(pipe);
        } catch (IOException e) {
            LOG.fine(() -> this + " could not relay a connection: " + e);
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    private void read(Direction direction) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES);
        int read = direction.from.read(buffer);
        if (read == 0) {
            return;
        }
        long due = Math.max(System.nanoTime() + delay.nextNanos(), direction.lastDueNanos); // never overtake
        direction.lastDueNanos = due;
        if (read < 0) {
            direction.ended = true;
            direction.held.add(new Chunk(due, null));
            return;
        }
        buffer.flip();
        direction.held.add(new Chunk(due, buffer));
        direction.heldBytes += read;
    }

    /** Passes on every chunk that is due; returns when the next one falls due ({@code Long.MAX_VALUE}: none held). */
    private long passOnDue(long now) {
        long next = Long.MAX_VALUE;
        List<Pipe> snapshot;
        synchronized (pipes) {
            snapshot = List.copyOf(pipes);
        }
        for (Pipe pipe : snapshot) {
            if (!pipe.connected) {
                continue;
            }
            try {
                next = Math.min(next, passOn(pipe.up, now));
                next = Math.min(next, passOn(pipe.down, now));
                if (pipe.done()) {
                    remove(pipe);
                } else {
                    updateInterest(pipe);
                }
            } catch (IOException e) {
                drop(pipe, e);
            }
        }
        return next;
    }

    private static long passOn(Direction direction, long now) throws IOException {
        while (!direction.held.isEmpty() && !direction.writeBlocked) {
            Chunk chunk = direction.held.peekFirst();
            if (chunk.dueNanos() > now) {
                return chunk.dueNanos();
            }
            if (chunk.data() == null) {
                direction.to.shutdownOutput();
                direction.passedOnEnd = true;
                direction.held.pollFirst();
                continue;
            }
            int written = direction.to.write(chunk.data());
            direction.heldBytes -= written;
            if (chunk.data().hasRemaining()) {
                direction.writeBlocked = true; // the peer reads slowly: wait for OP_WRITE
                return Long.MAX_VALUE;
            }
            direction.held.pollFirst();
        }
        return Long.MAX_VALUE;
    }

    private void updateInterest(Pipe pipe) {
        if (pipe.done() || !pipe.client.isOpen()) {
            return;
        }
        int client = interest(pipe.up, pipe.down);
        int server = pipe.connected ? interest(pipe.down, pipe.up) : SelectionKey.OP_CONNECT;
        pipe.client.keyFor(selector).interestOps(client);
        pipe.server.keyFor(selector).interestOps(server);
    }

    /** What to wait for on the channel that {@code reading} reads from and {@code writing} writes to. */
    private static int interest(Direction reading, Direction writing) {
        int ops = 0;
        if (!reading.ended && reading.heldBytes < MAX_HELD_BYTES) {
            ops |= SelectionKey.OP_READ;
        }
        if (writing.writeBlocked) {
            ops |= SelectionKey.OP_WRITE;
        }
        return ops;
    }

    private void drop(Pipe pipe, IOException cause) {
        LOG.fine(() -> this + " closes a connection: " + cause);
        remove(pipe);
    }

    private void remove(Pipe pipe) {
        pipe.close();
        synchronized (pipes) {
            pipes.remove(pipe);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing what failed or is being stopped: nothing more to do
            }
        }
    }
}
