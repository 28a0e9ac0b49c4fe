package dev.meteo.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks on the real report/meteo-report.md. */
class ReportSourceTest {

    /**
     * Every figure of the discussion comes from a results file: section 3 holds no digit outside a placeholder. The
     * only exception is the number of a subsection heading ({@code ## 3.1 ...}), which is structure, not a figure.
     */
    @Test
    void discussionQuotesNoHandTypedNumber() throws IOException {
        List<String> lines = Files.readAllLines(Fixtures.REAL_REPORT, StandardCharsets.UTF_8);
        int start = -1;
        int end = lines.size();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (start < 0 && line.startsWith("# 3.")) {
                start = i;
            } else if (start >= 0 && line.startsWith("# ")) {
                end = i;
                break;
            }
        }
        assertTrue(start >= 0, "no section heading starting with '# 3.' in " + Fixtures.REAL_REPORT);

        List<String> handTyped = new ArrayList<>();
        for (int i = start + 1; i < end; i++) {
            String text = PlaceholderExpander.PLACEHOLDER.matcher(lines.get(i)).replaceAll("");
            text = text.replaceFirst("^#{2,6}\\s+[0-9]+(\\.[0-9]+)*\\.?\\s", "");
            if (text.matches(".*[0-9].*")) {
                handTyped.add("line " + (i + 1) + ": " + lines.get(i));
            }
        }
        assertTrue(handTyped.isEmpty(), "section 3 of meteo-report.md quotes numbers that are not placeholders"
                + " ({{bench:PATH|FORMAT}}, see report/README.md):\n" + String.join("\n", handTyped));
    }

    @Test
    void discussionCheckSeesADigitOutsideAPlaceholder() {
        String line = "gRPC reached {{bench:modes.grpc.records_per_s|%,.0f}} records/s, 3 times RabbitMQ";
        assertTrue(PlaceholderExpander.PLACEHOLDER.matcher(line).replaceAll("").matches(".*[0-9].*"));
        assertFalse(PlaceholderExpander.PLACEHOLDER.matcher("p{{bench:x|%d}}").replaceAll("").matches(".*[0-9].*"));
    }
}
