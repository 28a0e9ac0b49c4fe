package dev.meteo.cli.dashboard;

import java.util.concurrent.CountDownLatch;

/**
 * Runs the console dashboard with synthetic windows until interrupted, the way the launcher does: the sink is closed
 * by a shutdown hook. Started by {@link AnsiDashboardTtyTest} inside tmux.
 */
public final class DashboardTtyMain {

    private DashboardTtyMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        AnsiDashboardSink sink = AnsiDashboardSink.open("tty-1", "grpc");
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sink.close();
            closed.countDown();
        }));
        sink.setStatus("connected to proxy 127.0.0.1:7100");
        sink.setRejected(2);
        sink.setStrip("processes 11/11 up · 0 restarted · 12.5 records/s · window lag 4.1 s");
        for (int i = 0; i < 8; i++) {
            sink.accept(Windows.window(i, 0.1 * (i + 1), 0.6, i == 7 ? 3 : 0));
        }
        closed.await();
    }
}
