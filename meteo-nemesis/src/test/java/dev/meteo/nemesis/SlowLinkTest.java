package dev.meteo.nemesis;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The relay over real loopback sockets, in front of an echo server that answers what it reads until the end. */
class SlowLinkTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private ServerSocket echo;

    @BeforeEach
    void startEchoServer() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket connection = echo.accept();
                    threads.execute(() -> echoUntilTheEnd(connection));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    private static void echoUntilTheEnd(Socket connection) {
        try (connection) {
            connection.getInputStream().transferTo(connection.getOutputStream());
        } catch (IOException ignored) {
            // the client went away
        }
    }

    @AfterEach
    void stop() throws IOException, InterruptedException {
        echo.close();
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }

    private SlowLink link(SlowLink.Delay delay) {
        return SlowLink.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                (InetSocketAddress) echo.getLocalSocketAddress(), delay);
    }

    private static Socket connect(SlowLink link) throws IOException {
        Socket socket = new Socket(link.address().getAddress(), link.address().getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    @Test
    void everyChunkIsHeldForTheDelayInEachDirection() throws IOException {
        try (SlowLink link = link(SlowLink.Delay.fixed(Duration.ofMillis(150)));
             Socket socket = connect(link)) {
            long started = System.nanoTime();
            socket.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
            byte[] answer = socket.getInputStream().readNBytes(4);
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertEquals("ping", new String(answer, StandardCharsets.UTF_8));
            assertTrue(tookMillis >= 300, "a round trip through two 150 ms delays took " + tookMillis + " ms");
            assertTrue(tookMillis < 3_000, "took " + tookMillis + " ms");
        }
    }

    @Test
    void megabytesUnderRandomDelaysArriveWholeAndInOrderAndTheEndOfTheStreamFollowsThem() throws Exception {
        byte[] sent = new byte[4 * SlowLink.MAX_HELD_BYTES];
        new Random(21).nextBytes(sent);
        try (SlowLink link = link(SlowLink.Delay.between(Duration.ZERO, Duration.ofMillis(20), 7));
             Socket socket = connect(link)) {
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> readAll(socket), threads);
            OutputStream out = socket.getOutputStream();
            for (int at = 0; at < sent.length; at += 10_000) {
                out.write(sent, at, Math.min(10_000, sent.length - at));
            }
            socket.shutdownOutput(); // the echo server sees the end once every byte before it passed
            byte[] echoed = received.get(60, TimeUnit.SECONDS);
            assertEquals(sent.length, echoed.length);
            assertArrayEquals(sent, echoed, "first difference at "
                    + Arrays.mismatch(sent, echoed));
        }
    }

    private static byte[] readAll(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return all.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theDelayCanChangeWhileConnectionsStayOpen() throws IOException {
        try (SlowLink link = link(SlowLink.Delay.NONE); Socket socket = connect(link)) {
            assertTrue(roundTripMillis(socket) < 150);
            link.setDelay(SlowLink.Delay.fixed(Duration.ofMillis(200)));
            assertTrue(roundTripMillis(socket) >= 400);
            link.setDelay(SlowLink.Delay.NONE);
            assertTrue(roundTripMillis(socket) < 150);
            assertEquals(1, link.connections());
        }
    }

    private static long roundTripMillis(Socket socket) throws IOException {
        long started = System.nanoTime();
        socket.getOutputStream().write(42);
        assertEquals(42, socket.getInputStream().read());
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    @Test
    void closingStopsListeningAndClosesEveryConnection() throws IOException {
        SlowLink link = link(SlowLink.Delay.NONE);
        InetSocketAddress address = link.address();
        Socket socket = connect(link);
        roundTripMillis(socket);
        link.close();
        link.close();
        try (socket) {
            int read;
            try {
                read = socket.getInputStream().read();
            } catch (SocketException reset) {
                read = -1;
            }
            assertEquals(-1, read, "the relayed connection is closed");
        }
        assertThrows(IOException.class, () -> new Socket(address.getAddress(), address.getPort()).close());
    }

    @Test
    void aTargetThatRefusesClosesTheClientsConnection() throws IOException {
        int port;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = gone.getLocalPort();
        }
        try (SlowLink link = SlowLink.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port), SlowLink.Delay.NONE);
             Socket socket = connect(link)) {
            int read;
            try {
                read = socket.getInputStream().read();
            } catch (SocketException reset) {
                read = -1;
            }
            assertEquals(-1, read);
        }
    }
}
