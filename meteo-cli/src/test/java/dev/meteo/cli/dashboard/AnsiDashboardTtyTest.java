package dev.meteo.cli.dashboard;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The console dashboard in a real terminal: {@link DashboardTtyMain} runs inside a detached tmux session (its own tmux
 * server socket), and the test reads the screen with {@code tmux capture-pane}.
 */
class AnsiDashboardTtyTest {

    private static final Duration SCREEN_TIMEOUT = Duration.ofSeconds(30);

    /** A tmux server of the test's own, its socket in a temporary directory removed afterwards. */
    @TempDir
    Path tmp;

    @BeforeEach
    void requireTmux() throws Exception {
        if (!commandExists("tmux")) {
            // Best effort, as CI does: the Debian package. Skips below if that is not possible here.
            run(Duration.ofMinutes(3), "apt-get", "install", "-y", "tmux");
        }
        assumeTrue(commandExists("tmux"), "tmux is not installed and could not be installed");
    }

    @AfterEach
    void killTmuxServer() throws Exception {
        tmux("kill-server");
    }

    @Test
    void dashboardIsDrawnFullScreenRedrawnOnResizeAndRestoredOnCtrlC() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "LC_ALL=C.UTF-8 exec " + quote(java) + " -Dfile.encoding=UTF-8 -cp "
                + quote(System.getProperty("java.class.path")) + " " + DashboardTtyMain.class.getName();
        tmux("new-session", "-d", "-s", "dash", "-x", "120", "-y", "40");
        // Keep the pane after the program exits, so the test can see what it left on the screen.
        tmux("set-option", "-t", "dash", "remain-on-exit", "on");
        tmux("respawn-pane", "-k", "-t", "dash", command);

        await().atMost(SCREEN_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> screen().contains("windows received 8"));
        List<String> screen = Arrays.asList(screen().split("\n"));
        String text = String.join("\n", screen);
        assertEquals("1", tmux("display-message", "-p", "-t", "dash", "#{alternate_on}").strip(), text);
        assertEquals(" METEO terminal tty-1 · mode grpc · windows received 8 · late 3 · rejected 2",
                screen.get(0).stripTrailing(), text);
        assertEquals(" status: connected to proxy 127.0.0.1:7100", screen.get(1).stripTrailing(), text);
        assertEquals(" processes 11/11 up · 0 restarted · 12.5 records/s · window lag 4.1 s", screen.get(2).stripTrailing(),
                text);
        assertEquals(" window: 10:00:35-10:00:40 (5 s, 2024-03-01)  records 24", screen.get(3).stripTrailing(), text);
        assertEquals("━".repeat(120), screen.get(4), text);
        assertTrue(text.contains(" WELLNESS  mean 0.800  stddev 0.013  min/max 0.750/0.850  count 17"), text);
        assertTrue(text.contains(" POLLUTION mean 0.600  stddev 0.250  min/max 0.100/1.100  count 7"), text);
        assertTrue(text.contains(" trend     ▁▂▃▄▅▆▇█"), text);
        // the line chart: a labelled axis, and the rising mean as one line of box characters, one column per window
        assertTrue(text.contains("    0.813 ┤       ╭"), text);
        assertTrue(text.contains("    0.088 ┼─╯"), text); // the axis crossing, where the line starts
        assertTrue(screen.stream().filter(line -> line.contains("╭") && line.contains("╯")).count() >= 5, text);
        System.out.println(text); // the screen as a person saw it, in the test's report

        tmux("resize-window", "-t", "dash", "-x", "80", "-y", "24");
        await().atMost(SCREEN_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> Arrays.asList(screen().split("\n")).contains("━".repeat(80)));
        String small = screen();
        assertTrue(small.startsWith(" METEO terminal tty-1 · mode grpc · windows received 8 · late 3 · rejec"), small);
        assertTrue(small.contains(" ┤") && small.contains("╭"), "the chart is drawn again, smaller:\n" + small);

        tmux("send-keys", "-t", "dash", "C-c");
        await().atMost(SCREEN_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> tmux("display-message", "-p", "-t", "dash", "#{pane_dead}").strip().equals("1"));
        assertEquals("0", tmux("display-message", "-p", "-t", "dash", "#{alternate_on}").strip());
        assertFalse(screen().contains("METEO terminal"), screen());
    }

    private String screen() throws Exception {
        return tmux("capture-pane", "-p", "-t", "dash");
    }

    private String tmux(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("tmux", "-S", tmp.resolve("tmux.sock").toString()));
        command.addAll(List.of(args));
        // No inherited TMUX variable: a test run from inside tmux must still start its own server.
        return run(Duration.ofSeconds(10), command.toArray(String[]::new));
    }

    private static String run(Duration timeout, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("TMUX");
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
        }
        return new String(output, StandardCharsets.UTF_8);
    }

    private static boolean commandExists(String name) throws Exception {
        return run(Duration.ofSeconds(5), "sh", "-c", "command -v " + name).strip().endsWith(name);
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
