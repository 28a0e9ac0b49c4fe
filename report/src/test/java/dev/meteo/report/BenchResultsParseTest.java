package dev.meteo.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchResultsParseTest {
    @Test
    void parsesNestedValuesKeepingNumbersExact() {
        BenchResults results = BenchResults.parse("{\"a\": [1, -2.50, 3e2, true, null], \"s\": \"\\u00e9\\n\\\"x\\\"\"}", "t");
        List<?> a = (List<?>) results.lookup("a");
        assertEquals(new BigDecimal("1"), a.get(0));
        assertEquals(new BigDecimal("-2.50"), a.get(1));
        assertEquals(new BigDecimal("3e2"), a.get(2));
        assertEquals(Boolean.TRUE, a.get(3));
        assertNull(a.get(4));
        assertEquals("é\n\"x\"", results.lookup("s"));
    }

    @Test
    void invalidJsonFailsWithItsLineAndColumn() {
        ReportException e = assertThrows(ReportException.class, () -> BenchResults.parse("{\n  \"a\": 1,\n}", "bench.json"));
        assertTrue(e.getMessage().startsWith("bench.json:3:1: invalid JSON"), e.getMessage());
    }

    @Test
    void trailingTextIsRejected() {
        assertThrows(ReportException.class, () -> BenchResults.parse("{} {}", "t"));
    }
}
