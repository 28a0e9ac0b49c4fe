package dev.meteo.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the demo shows in the foreground: the first terminal's windows, read from the file that terminal writes
 * (so the dashboard process never shares the tty with the children). Plain lines for now.
 */
final class DemoDisplay implements AutoCloseable {

    private final Thread tail;
    private volatile boolean running = true;

    private DemoDisplay(Path jsonl) {
        this.tail = new Thread(() -> follow(jsonl), "demo-display");
        this.tail.setDaemon(true);
        this.tail.start();
    }

    static DemoDisplay open(boolean dashboard, Mode mode, Path jsonl, ServiceCheck services) {
        return new DemoDisplay(jsonl);
    }

    private void follow(Path jsonl) {
        try {
            while (running && !Files.exists(jsonl)) {
                Thread.sleep(200);
            }
            try (BufferedReader reader = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
                while (running) {
                    String line = reader.readLine();
                    if (line == null) {
                        Thread.sleep(200);
                    } else {
                        System.out.println(line);
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            // the display ends with the demo
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        tail.interrupt();
        tail.join(1_000);
    }
}
