package dev.meteo.bench;

import dev.meteo.process.Drain;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchProcessMeterTest {

    @Test
    void cpuTicksAreUtimePlusStimeEvenWhenTheCommandNameHasSpacesAndParentheses() {
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 150 25 0 0 20 0 30 0 12345 0 0";
        assertEquals(175, ProcessMeter.parseCpuTicks(stat).getAsLong());
    }

    @Test
    void measuresThisProcess() {
        ProcessMeter meter = new ProcessMeter("self", ProcessHandle.current().pid());
        meter.start();
        meter.stop();
        Map<String, Object> figures = meter.toMap();
        assertNotNull(figures.get("rss_mb"));
        assertTrue(((Double) figures.get("rss_mb")) > 0);
        assertEquals(List.of("name", "pid", "cpu_percent", "rss_mb", "rss_mb_mean"), List.copyOf(figures.keySet()));
    }

    @Test
    void faultRecoveryIsTheFirstSecondBackAtFourFifthsOfThePreKillRate() {
        PipelineRun.Accounting accounting = new PipelineRun.Accounting(new Drain.Verdict(800, 800, 0, 800, 800, 0, 0,
                List.of(800L), List.of()), true);
        List<Double> samples = List.of(100.0, 100.0, 100.0, 100.0, 30.0, 60.0, 85.0, 100.0);
        Map<String, Object> fault = PipelineRun.fault(samples, 4, accounting);
        assertEquals(3.0, fault.get("recovery_s"));
        assertEquals(100L, fault.get("pre_kill_per_s"));
        assertEquals(30L, fault.get("lowest_after_kill_per_s"));
        assertEquals(0L, fault.get("lost"));
    }
}
