package dev.meteo.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * No figure typed by hand: every number of the report and of the README's front page comes from a committed results
 * file (report/results) through a placeholder, or is not there. What counts as a typed figure: {@link HandTypedFigures}.
 */
class ReportSourceTest {

    private static final Path README = Fixtures.REPORT_DIR.getParent().resolve("README.md");

    /** The whole report, not only its discussion: a digit in prose outside a placeholder is a figure typed by hand. */
    @Test
    void theReportQuotesNoHandTypedFigure() throws IOException {
        List<String> handTyped = HandTypedFigures.in(Files.readAllLines(Fixtures.REAL_REPORT, StandardCharsets.UTF_8));
        assertTrue(handTyped.isEmpty(), "meteo-report.md quotes numbers that are not placeholders"
                + " ({{bench:PATH|FORMAT}}, see report/README.md; a setting goes in a code span with its flag,"
                + " e.g. `--lease 5s`; a count in words):\n" + String.join("\n", handTyped));
    }

    /**
     * The README holds no measured figure: it points to the report, where each one is a placeholder. One line is
     * exempt: the one marked {@code <!-- suite-time -->}, the test suite's duration as {@code .ci/run} measures and
     * prints it, which no results file holds.
     */
    @Test
    void theReadmeQuotesNoHandTypedFigure() throws IOException {
        List<String> lines = Files.readAllLines(README, StandardCharsets.UTF_8).stream()
                .map(line -> line.startsWith("<!-- suite-time -->") ? "" : line).toList();
        List<String> handTyped = HandTypedFigures.in(lines);
        assertTrue(handTyped.isEmpty(), "README.md quotes numbers; a measured figure belongs in the report, as a"
                + " placeholder:\n" + String.join("\n", handTyped));
    }

    @Test
    void aDigitOutsideAPlaceholderIsAFigure() {
        assertTrue(figure("gRPC reached {{bench:modes.grpc.records_per_s|%,.0f}} records/s, 3 times RabbitMQ"));
        assertTrue(figure("a relay hop reaches about 4.5k calls/s"));
        assertTrue(figure("it took `4.5k` calls/s"), "a code span holding only a number is still a figure");
        assertTrue(figure("## 3.1 Throughput was 9 records/s"));
    }

    @Test
    void placeholdersCodeHeadingsLinksAndNamesAreNot() {
        assertTrue(!figure("p{{bench:x|%d}}"));
        assertTrue(!figure("## 3.1 Throughput"));
        assertTrue(!figure("2. **Any number of each component**"));
        assertTrue(!figure("the lease (`--lease 5s` by default) on `127.0.0.1:7101`"));
        assertTrue(!figure("see [the results](results/scale-rabbit-10000-classic.json)"));
        assertTrue(!figure("Java 17, CO2, HTTP/2"));
        assertEquals(List.of("line 4: seen 7 times"), HandTypedFigures.in(List.of("```", "took 3 s", "```",
                "seen 7 times", "<!-- a comment with 5", "spanning 6 lines -->")));
    }

    private static boolean figure(String line) {
        return !HandTypedFigures.in(List.of(line)).isEmpty();
    }
}
