package dev.meteo.process;

import dev.meteo.cli.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo's supervisor with a real child (a load balancer: it needs no Redis), killed with SIGKILL twice. */
class SupervisorTest {

    @TempDir
    Path logDir;

    @Test
    void aKilledChildIsReportedWithItsSignalAndStartedAgainWithABackoffThatDoubles() throws Exception {
        List<String> said = new CopyOnWriteArrayList<>();
        List<String> restarted = new CopyOnWriteArrayList<>();
        try (Supervisor supervisor = new Supervisor(logDir, new PrintWriter(new StringWriter()), said::add,
                () -> restarted.add("ready"))) {
            Supervisor.Slot slot = supervisor.start("lb", "lb-1", List.of("lb", "--lb=" + Processes.freeAddresses(1),
                    "--bind=127.0.0.1", "--status-file-every=1s"), List.of());
            try {
                for (int round = 1; round <= 2; round++) {
                    ChildProcess first = slot.current();
                    await().atMost(Duration.ofMinutes(1)).until(() -> first.ready().isDone()
                            && Files.exists(first.statusFile()));
                    first.kill();
                    int expectedRestarts = round;
                    await().atMost(Duration.ofMinutes(1)).until(() -> restarted.size() == expectedRestarts);
                    assertNotEquals(first.pid(), slot.current().pid(), "a new process");
                    assertTrue(slot.current().isAlive());
                }
                String firstDeath = said.stream().filter(line -> line.startsWith("lb-1 exited")).findFirst().orElseThrow();
                assertTrue(firstDeath.contains("exited, signal 9 (SIGKILL)") && firstDeath.endsWith("starting it again in 1.0 s"),
                        firstDeath);
                String secondDeath = said.stream().filter(line -> line.startsWith("lb-1 exited")).skip(1).findFirst()
                        .orElseThrow();
                assertTrue(secondDeath.endsWith("starting it again in 2.0 s"), "the backoff doubles: " + secondDeath);
                assertEquals(2, supervisor.deaths());
                assertEquals(2, supervisor.restarts());
                assertEquals(List.of(1, 2), slot.ended().stream().map(Supervisor.Incarnation::number).toList());
                for (Supervisor.Incarnation ended : slot.ended()) {
                    assertEquals(137, ended.exitCode());
                    assertEquals(logDir.resolve("lb-1." + ended.number() + ".status.json"), ended.statusFile());
                    assertTrue(Files.exists(ended.statusFile()), "each process's last status is kept: " + ended);
                }
            } finally {
                supervisor.retire();
                slot.current().requestStop();
                slot.current().awaitExit(20);
            }
        }
    }
}
