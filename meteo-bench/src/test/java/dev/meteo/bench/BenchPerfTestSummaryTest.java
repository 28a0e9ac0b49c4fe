package dev.meteo.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchPerfTestSummaryTest {

    private static String sample() throws IOException {
        try (InputStream in = BenchPerfTestSummaryTest.class.getResourceAsStream("perftest-2.22.1-sample.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsTheIntervalsAndTheClosingAveragesOfARealRun() throws IOException {
        PerfTestSummary summary = PerfTestSummary.parse(sample());
        assertEquals(java.util.List.of(7921.0, 11322.0, 16613.0, 16577.0), summary.intervalReceivedPerS());
        assertEquals(13014, summary.sendingAvgPerS());
        assertEquals(13014, summary.receivingAvgPerS());
        assertTrue(summary.complete());
    }

    @Test
    void theLimitIsTheMeanOfTheSecondHalfOfTheIntervals() throws IOException {
        assertEquals((16613.0 + 16577.0) / 2, PerfTestSummary.parse(sample()).steadyReceivedPerS());
    }

    @Test
    void withFewIntervalsTheLimitIsTheClosingAverage() {
        PerfTestSummary summary = PerfTestSummary.parse("""
                id: test-1, time 1.000 s, sent: 10 msg/s, confirmed: 10 msg/s, nacked: 0 msg/s, received: 9 msg/s, min/median/75th/95th/99th consumer latency: 1/2/3/4/5 µs, confirm latency: 1/2/3/4/5 µs
                id: test-1, sending rate avg: 11 msg/s
                id: test-1, receiving rate avg: 12 msg/s
                """);
        assertEquals(12, summary.steadyReceivedPerS());
    }

    @Test
    void anAbortedRunIsNotComplete() {
        PerfTestSummary summary = PerfTestSummary.parse("Main thread caught exception: java.io.IOException\n");
        assertFalse(summary.complete());
        assertEquals(-1, summary.steadyReceivedPerS());
    }

    @Test
    void theDefaultVhostIsSpelledOutForPerfTest() {
        assertEquals("amqp://guest:guest@127.0.0.1:5672/%2f", PerfTestRunner.perfTestUri("amqp://guest:guest@127.0.0.1:5672/"));
        assertEquals("amqp://guest:guest@127.0.0.1:5672/%2f", PerfTestRunner.perfTestUri("amqp://guest:guest@127.0.0.1:5672"));
        assertEquals("amqp://u:p@h:5672/meteo", PerfTestRunner.perfTestUri("amqp://u:p@h:5672/meteo"));
    }

    @Test
    void perfTestMeasuresAQuorumQueueWhenThePipelineUsesOneAndKeepsItForTheBenchToDelete() {
        List<String> quorum = PerfTestRunner.arguments("q", true, 20);
        assertTrue(quorum.contains("--quorum-queue"), quorum.toString());
        assertEquals("false", quorum.get(quorum.indexOf("-ad") + 1));
        assertEquals("persistent", quorum.get(quorum.indexOf("-f") + 1), "persistent messages");
        assertEquals("100", quorum.get(quorum.indexOf("-c") + 1), "publisher confirms");

        List<String> classic = PerfTestRunner.arguments("q", false, 20);
        assertFalse(classic.contains("--quorum-queue"), classic.toString());
        assertEquals("true", classic.get(classic.indexOf("-ad") + 1));
    }
}
