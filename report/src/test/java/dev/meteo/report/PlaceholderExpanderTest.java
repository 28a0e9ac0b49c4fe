package dev.meteo.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlaceholderExpanderTest {
    private final PlaceholderExpander figures = new PlaceholderExpander(Fixtures.bench(), false);

    private String expand(String markdown) {
        return figures.expand(markdown, "test.md").markdown();
    }

    @Test
    void numberIsRenderedWithItsJavaFormatInEnglish() {
        assertEquals("gRPC: 9,812 records/s, p95 6.8 ms",
                expand("gRPC: {{bench:modes.grpc.records_per_s|%,.0f}} records/s, p95 {{bench:modes.grpc.latency_ms.p95|%.1f}} ms"));
    }

    @Test
    void integerFormatTakesACount() {
        assertEquals("588,746 sent", expand("{{bench:modes.grpc.sent|%,d}} sent"));
    }

    @Test
    void aFigureCanBeScaledSoARatioReadsAsAPercentage() {
        assertEquals("24 % of the limit, 23.8 %",
                expand("{{bench:modes.grpc.ratio_to_limit*100|%.0f}} % of the limit, {{bench:modes.grpc.ratio_to_limit * 100|%.1f}} %"));
    }

    @Test
    void withoutFormatANumberIsPlainAndAStringAsIs() {
        assertEquals("9812.44 on 17.0.15+6-Debian-1deb12u1 with 2 CPUs",
                expand("{{bench:modes.grpc.records_per_s}} on {{bench:machine.java}} with {{ bench:machine.cpus }} CPUs"));
    }

    @Test
    void arrayElementsAreSelectedByIndexOrByMember() {
        assertEquals("61.5 % / 9650 / 9911",
                expand("{{bench:modes.grpc.processes[name=lb].cpu_percent}} % / {{bench:modes.grpc.samples_per_s[0]|%.0f}}"
                        + " / {{bench:modes.grpc.samples_per_s.1|%.0f}}"));
    }

    @Test
    void booleanRendersAsIs() {
        assertEquals("true", expand("{{bench:modes.rabbit.accounting_holds}}"));
    }

    @Test
    void missingPathFailsNamingThePlaceholderAndItsLine() {
        ReportException e = assertThrows(ReportException.class,
                () -> expand("# 3.\n\nline two {{bench:modes.grpc.records_per_sec|%,.0f}}\n"));
        assertTrue(e.getMessage().contains("{{bench:modes.grpc.records_per_sec|%,.0f}}"), e.getMessage());
        assertTrue(e.getMessage().contains("test.md:3"), e.getMessage());
        assertTrue(e.getMessage().contains("records_per_sec"), e.getMessage());
    }

    @Test
    void everyBadPlaceholderIsReportedAtOnce() {
        ReportException e = assertThrows(ReportException.class,
                () -> expand("{{bench:nope}} and {{bench:modes.quic.records_per_s}} and {{bench:modes.grpc.latency_ms.p95|%d}}"));
        assertTrue(e.getMessage().startsWith("3 placeholder(s)"), e.getMessage());
        assertTrue(e.getMessage().contains("{{bench:nope}}"), e.getMessage());
        assertTrue(e.getMessage().contains("{{bench:modes.quic.records_per_s}}"), e.getMessage());
        assertTrue(e.getMessage().contains("not an integer"), e.getMessage());
    }

    @Test
    void nullOrObjectIsNotAFigure() {
        ReportException e = assertThrows(ReportException.class, () -> expand("{{bench:modes.rabbit.fault.recovery_s}}"));
        assertTrue(e.getMessage().contains("{{bench:modes.rabbit.fault.recovery_s}}"), e.getMessage());
        ReportException object = assertThrows(ReportException.class, () -> expand("{{bench:modes.grpc.latency_ms}}"));
        assertTrue(object.getMessage().contains("an object"), object.getMessage());
    }

    @Test
    void proseStillToBeWrittenFailsTheFinalBuild() {
        ReportException e = assertThrows(ReportException.class, () -> expand("# 2.3\n\n{{grpc_design}}\n"));
        assertTrue(e.getMessage().contains("{{grpc_design}}"), e.getMessage());
        assertTrue(e.getMessage().contains("--allow-draft"), e.getMessage());
    }

    @Test
    void aDraftShowsProseStillToBeWrittenAsTodo() {
        PlaceholderExpander.Expansion draft = new PlaceholderExpander(Fixtures.bench(), true)
                .expand("{{grpc_design}}\n\n{{bench:machine.cpus}}", "test.md");
        assertEquals("**[TODO grpc_design]**\n\n2", draft.markdown());
        assertEquals(List.of("grpc_design"), draft.todos());
    }

    @Test
    void aDraftStillFailsOnAMissingFigure() {
        assertThrows(ReportException.class,
                () -> new PlaceholderExpander(Fixtures.bench(), true).expand("{{bench:modes.grpc.nope}}", "test.md"));
    }

    @Test
    void modesTableComparesBothModesFromTheResults() {
        String table = expand("{{bench-table:modes}}");
        List<String> lines = table.lines().toList();
        assertEquals("| figure | direct (gRPC) | indirect (RabbitMQ) |", lines.get(0));
        assertEquals("|:---|---:|---:|", lines.get(1));
        assertTrue(table.contains("| records accepted per second | 9,812 | 6,105 |"), table);
        assertTrue(table.contains("| transport limit per second | 41,251 | 18,340 |"), table);
        assertTrue(table.contains("| ratio to the limit | 24 % | 33 % |"), table);
        assertTrue(table.contains("| latency detection to stored, p99 (ms) | 14.3 | 41.7 |"), table);
        assertTrue(table.contains("| window close to terminal, p95 (ms) | 7.5 | 9.9 |"), table);
        assertTrue(table.contains("| lost / late / rejected | 0 / 12 / 3 | 0 / 31 / 3 |"), table);
        assertTrue(table.contains("| server killed: throughput recovered in (s) | 1.8 | not run |"), table);
        assertTrue(table.contains("Table: "), table);
        assertFalse(table.contains("{{"), table);
    }

    @Test
    void modesTableFailsNamingAMissingFigure() {
        BenchResults partial = BenchResults.parse(Fixtures.resource("bench-fixture.json")
                .replace("\"stored_per_s\": 6104.1,", ""), "partial.json");
        ReportException e = assertThrows(ReportException.class,
                () -> new PlaceholderExpander(partial, false).expand("{{bench-table:modes}}", "test.md"));
        assertTrue(e.getMessage().contains("{{bench-table:modes}}"), e.getMessage());
        assertTrue(e.getMessage().contains("stored_per_s"), e.getMessage());
    }
}
