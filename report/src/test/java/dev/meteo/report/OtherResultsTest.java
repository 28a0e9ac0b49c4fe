package dev.meteo.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Figures and tables from the results files beside bench.json: the scale run and JMH's output. */
class OtherResultsTest {

    private static final String JMH = """
            [{"benchmark": "dev.meteo.jmh.WindowCloseBenchmark.resultOfClosedWindow",
              "params": {"approach": "aggregate", "records": "100"}, "primaryMetric": {"score": 51.25}},
             {"benchmark": "dev.meteo.jmh.WindowCloseBenchmark.resultOfClosedWindow",
              "params": {"approach": "read-everything", "records": "50000"}, "primaryMetric": {"score": 81234.5}}]
            """;

    private static final String STEP = """
            {"sensors": %d, "offered_per_s": %d, "stored_per_s": %d, "latency_ms": {"p50": 3.2, "p99": 40.7},
             "window_latency_ms": {"p99": 12.5}, "lost": 0, "late": 0, "accounting_holds": true,
             "redis_memory": {"prefix_memory_mb": 4.25},
             "processes": [{"name": "lb", "cpu_percent": 31.5, "rss_mb": 101.2},
                           {"name": "redis-server (shared)", "cpu_percent": 40.1, "rss_mb": 300.0},
                           {"name": "air-1", "cpu_percent": 12.0, "rss_mb": 88.9}]}
            """;

    private static final String SCALE = "{\"scale\": {\"grpc\": [" + STEP.formatted(100, 100, 99) + ", "
            + STEP.formatted(10000, 10000, 9987) + "]}}";

    private final Map<String, BenchResults> others = Map.of(
            "jmh-window-close", BenchResults.parse(JMH, "jmh-window-close.json"),
            "scale", BenchResults.parse(SCALE, "scale.json"));
    private final PlaceholderExpander figures = new PlaceholderExpander(Fixtures.bench(), name -> {
        if (!others.containsKey(name)) {
            throw new ReportException("no results " + name);
        }
        return others.get(name);
    }, false);

    private String expand(String markdown) {
        return figures.expand(markdown, "test.md").markdown();
    }

    @Test
    void aFigureComesFromTheResultsFileItsPrefixNames() {
        assertEquals("9,987 stored, 9,812 in the throughput run", expand(
                "{{scale:scale.grpc[sensors=10000].stored_per_s|%,.0f}} stored, "
                        + "{{bench:modes.grpc.records_per_s|%,.0f}} in the throughput run"));
    }

    @Test
    void aJmhResultIsSelectedByItsParametersWithDottedMembersJoinedByAnd() {
        assertEquals("51.3 and 81,235", expand(
                "{{jmh-window-close:[params.approach=aggregate&params.records=100].primaryMetric.score|%.1f}} and "
                        + "{{jmh-window-close:[params.records=50000&params.approach=read-everything].primaryMetric.score|%,.0f}}"));
    }

    @Test
    void aSelectorThatMatchesNothingNamesItselfAndTheFile() {
        ReportException e = assertThrows(ReportException.class, () -> expand(
                "{{jmh-window-close:[params.approach=aggregate&params.records=50000].primaryMetric.score}}"));
        assertTrue(e.getMessage().contains("params.approach=aggregate&params.records=50000"), e.getMessage());
    }

    @Test
    void theScaleTableHasAColumnPerStepAndTheLargestRoleLeavesOutTheSharedServices() {
        String table = expand("{{scale-table:grpc}}");
        assertTrue(table.startsWith("| sensors | 100 | 10,000 |"), table);
        assertTrue(table.contains("| records stored per second | 99 | 9,987 |"), table);
        assertTrue(table.contains("| largest RSS of a role (MB) | 101 | 101 |"), table);
        assertTrue(table.contains("| busiest process (% of a CPU) | redis-server (shared) 40 |"), table);
        assertTrue(table.contains("| lost / late | 0 / 0 | 0 / 0 |"), table);
    }

    @Test
    void aResultsFileNotThereFailsNamingIt(@TempDir Path dir) throws IOException {
        Path bench = dir.resolve("bench.json");
        Files.writeString(bench, "{}");
        PlaceholderExpander expander = new PlaceholderExpander(BenchResults.read(bench),
                ReportBuilder.siblingResults(bench), false);
        ReportException e = assertThrows(ReportException.class,
                () -> expander.expand("{{scale:scale.grpc}}", "test.md"));
        assertTrue(e.getMessage().contains(dir.resolve("scale.json").toString()), e.getMessage());
    }

    @Test
    void aFixtureSiblingKeepsTheFixtureSuffix(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("scale-fixture.json"), SCALE);
        BenchResults scale = ReportBuilder.siblingResults(dir.resolve("bench-fixture.json")).apply("scale");
        assertEquals("10000", BenchResults.plain(scale.lookup("scale.grpc[1].sensors")));
    }
}
