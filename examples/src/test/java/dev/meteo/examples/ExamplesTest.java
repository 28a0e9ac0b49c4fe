package dev.meteo.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every example runs as its README says, against the real Redis (and RabbitMQ), and ends as it promises. */
class ExamplesTest {

    @ParameterizedTest
    @ValueSource(strings = {"in-process", "grpc", "rabbit"})
    void thePipelineAccountsForEveryRecordInEveryMode(String mode) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Pipeline.Outcome outcome = Pipeline.run(mode, Duration.ofSeconds(4), new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertTrue(outcome.accounting().sent() > 0, "no record sent: " + printed);
        assertTrue(outcome.accounting().holds(), outcome.accounting().toString());
        assertTrue(outcome.terminalsAgree(), "the terminals received different windows:\n" + printed);
        assertTrue(outcome.windows() > 0);
    }

    /** The classes docs/embedding.md shows, one per mode: each prints windows holding the sensor's records. */
    @ParameterizedTest
    @ValueSource(strings = {"InProcessApp", "GrpcApp", "RabbitApp"})
    void theEmbeddingGuidesClassesRunAndPrintWindows(String name) throws Exception {
        Class<?> app = Class.forName("dev.meteo.examples.embedding." + name);
        String printed = printedBy(() -> app.getMethod("main", String[].class).invoke(null, (Object) new String[] {"3"}));
        assertTrue(printed.matches("(?s).*window \\S+: [1-9][0-9]* air, 0 pollution records.*"), printed);
        assertTrue(printed.contains("sensor so far: "), printed);
    }

    @Test
    void theCustomSensorsImpossibleReadingIsRejectedWithItsReason() throws Exception {
        String printed = printedBy(() -> CustomSensor.main(new String[0]));
        assertTrue(printed.contains("rejected station-log#") && printed.contains("humidity 120.0 %"), printed);
        assertTrue(printed.contains("rejected=1"), printed);
    }

    @Test
    void thePollutionAlertIsRaisedAndCleared() throws Exception {
        String printed = printedBy(() -> PollutionAlertSink.main(new String[] {"0.5"}));
        int alert = printed.indexOf("ALERT");
        assertTrue(alert >= 0 && printed.indexOf("CLEARED", alert) > alert, printed);
    }

    private interface Example {
        void run() throws Exception;
    }

    /** What an example prints on standard output (its mains print there, as a reader running them would see). */
    private static synchronized String printedBy(Example example) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            example.run();
        } finally {
            System.setOut(original);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }
}
