package dev.meteo.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report builds: the real meteo-report.md and style.css, the results fixture, the whole pipeline (placeholders,
 * pandoc, Chromium) into a temporary directory. Skipped only when pandoc or Chromium is not installed.
 */
class ReportBuildTest {
    /** Appended to the copy of the report, so that the table and an image go through pandoc and Chromium too. */
    private static final String CHECK_SECTION = "\n\n# Build check\n\n{{bench-table:modes}}\n\n"
            + "gRPC on {{bench:machine.java}}: {{bench:modes.grpc.records_per_s|%,.0f}} records/s.\n\n"
            + "![Throughput](results/throughput.svg)\n";

    @TempDir
    Path tmp;

    private ReportBuilder.Options draftOf(String markdown) throws IOException {
        Path reportDir = Files.createDirectories(tmp.resolve("report"));
        Files.writeString(reportDir.resolve("meteo-report.md"), markdown, StandardCharsets.UTF_8);
        Files.createDirectories(reportDir.resolve("results"));
        Files.writeString(reportDir.resolve("results/bench.json"), Fixtures.resource("bench-fixture.json"));
        Files.writeString(reportDir.resolve("results/scale.json"), Fixtures.resource("scale-fixture.json"));
        Files.writeString(reportDir.resolve("results/jmh-window-close.json"), Fixtures.resource("jmh-window-close-fixture.json"));
        Files.writeString(reportDir.resolve("results/throughput.svg"), Fixtures.resource("throughput-fixture.svg"));
        ReportBuilder.Options d = ReportBuilder.Options.forReportDir(reportDir);
        return new ReportBuilder.Options(d.source(), d.results(), d.outDir(), d.pdf(),
                Fixtures.REPORT_DIR.resolve("style.css"), true, false);
    }

    /**
     * The report as delivered: the real text with the results the harness wrote (report/results, committed), built
     * in final mode, so a placeholder without its figure, or a prose placeholder left behind, fails the build.
     */
    @Test
    void realReportBuildsFromTheHarnessResultsWithEveryFigureFromThem() throws IOException {
        assumeTrue(PdfRenderer.pandoc().isPresent(), "pandoc is not installed (apt-get install -y pandoc)");
        assumeTrue(PdfRenderer.chromium().isPresent(), "chromium is not installed (apt-get install -y chromium)");
        Path reportDir = Files.createDirectories(tmp.resolve("delivered"));
        Files.copy(Fixtures.REAL_REPORT, reportDir.resolve("meteo-report.md"));
        Path results = Files.createDirectories(reportDir.resolve("results"));
        Path committed = Fixtures.REPORT_DIR.resolve("results");
        try (var files = Files.walk(committed)) { // with its folders: the nemesis runs' pictures are in results/nemesis
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path copy = results.resolve(committed.relativize(file).toString());
                Files.createDirectories(copy.getParent());
                Files.copy(file, copy);
            }
        }
        ReportBuilder.Options d = ReportBuilder.Options.forReportDir(reportDir);
        ReportBuilder.Result result = ReportBuilder.build(new ReportBuilder.Options(d.source(), d.results(), d.outDir(),
                d.pdf(), Fixtures.REPORT_DIR.resolve("style.css"), false, false));

        String expanded = Files.readString(result.markdown(), StandardCharsets.UTF_8);
        assertFalse(PlaceholderExpander.PLACEHOLDER.matcher(expanded).find(), "unresolved placeholder");
        assertTrue(result.todos().isEmpty(), "prose placeholders left: " + result.todos());
        assertTrue(expanded.contains("| records accepted per second |"), "no comparison table");
        byte[] pdf = Files.readAllBytes(result.pdf());
        assertEquals("%PDF", new String(pdf, 0, 4, StandardCharsets.US_ASCII));
        assertTrue(pdf.length > 10_000, "PDF of only " + pdf.length + " bytes");
    }

    @Test
    void aDraftWithTableAndImageBuildsFromTheFixture() throws IOException {
        assumeTrue(PdfRenderer.pandoc().isPresent(), "pandoc is not installed (apt-get install -y pandoc)");
        assumeTrue(PdfRenderer.chromium().isPresent(), "chromium is not installed (apt-get install -y chromium)");

        ReportBuilder.Result result = ReportBuilder.build(draftOf("# A draft\n\n{{prose_to_come}}\n" + CHECK_SECTION));

        String expanded = Files.readString(result.markdown(), StandardCharsets.UTF_8);
        assertFalse(PlaceholderExpander.PLACEHOLDER.matcher(expanded).find(),
                "unresolved placeholder in " + result.markdown());
        assertTrue(expanded.contains("| records accepted per second | 9,812 | 6,105 |"), expanded);
        for (String todo : result.todos()) {
            assertTrue(expanded.contains("[TODO " + todo + "]"), todo);
        }

        String html = Files.readString(result.html(), StandardCharsets.UTF_8);
        assertTrue(html.contains("<table"), "no table in the HTML");
        assertTrue(html.contains("@page"), "style sheet not embedded in the HTML");
        assertTrue(Files.isRegularFile(result.html().resolveSibling("results/throughput.svg")), "image not copied");

        byte[] pdf = Files.readAllBytes(result.pdf());
        assertEquals("%PDF", new String(pdf, 0, 4, StandardCharsets.US_ASCII));
        assertTrue(pdf.length > 10_000, "PDF of only " + pdf.length + " bytes");
    }

    @Test
    void missingImageFailsBeforeConversion() throws IOException {
        ReportBuilder.Options draft = draftOf("# Figures\n\n![Latency](results/latency.svg)\n");
        ReportBuilder.Options markdownOnly = new ReportBuilder.Options(draft.source(), draft.results(),
                draft.outDir(), draft.pdf(), draft.css(), true, true);
        ReportException e = assertThrows(ReportException.class, () -> ReportBuilder.build(markdownOnly));
        assertTrue(e.getMessage().contains("results/latency.svg"), e.getMessage());
    }

    @Test
    void missingResultsFileFailsNamingIt() throws IOException {
        ReportBuilder.Options draft = draftOf("# Figures\n");
        Files.delete(draft.results());
        ReportException e = assertThrows(ReportException.class, () -> ReportBuilder.build(draft));
        assertTrue(e.getMessage().contains("bench.json"), e.getMessage());
        assertTrue(e.getMessage().contains("meteo bench"), e.getMessage());
    }
}
