package dev.meteo.cli.io;

import dev.meteo.cli.dashboard.Windows;
import dev.meteo.cli.io.Json;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.WindowResult;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WindowResultJsonTest {

    @Test
    void windowIsWrittenWithExactlyTheDocumentedFieldsInOrder() {
        WindowResult window = new WindowResult(Instant.ofEpochMilli(1000), Instant.ofEpochMilli(6000),
                new KindStatistics(3, 0.5, 0.25, 0.1, 0.9, Instant.ofEpochMilli(5999)),
                new KindStatistics(1, 0.75, 0.0, 0.75, 0.75, Instant.ofEpochMilli(2000)), 4);

        assertEquals("{\"start\":1000,\"end\":6000,"
                        + "\"wellness\":{\"count\":3,\"mean\":0.5,\"stddev\":0.25,\"min\":0.1,\"max\":0.9,\"latest\":5999},"
                        + "\"pollution\":{\"count\":1,\"mean\":0.75,\"stddev\":0.0,\"min\":0.75,\"max\":0.75,\"latest\":2000},"
                        + "\"late\":4}",
                WindowResultJson.toJson(window));
    }

    @Test
    void emptyKindHasCountZeroAndNullStatistics() {
        String json = WindowResultJson.toJson(Windows.empty(0, 2));

        assertTrue(json.contains("\"wellness\":{\"count\":0,\"mean\":null,\"stddev\":null,\"min\":null,\"max\":null,"
                + "\"latest\":null}"), json);
        assertTrue(json.contains("\"pollution\":{\"count\":0,\"mean\":null,"), json);
        Map<?, ?> parsed = (Map<?, ?>) Json.read(json);
        Map<?, ?> wellness = (Map<?, ?>) parsed.get("wellness");
        assertEquals(0L, wellness.get("count"));
        assertTrue(wellness.containsKey("mean"));
        assertNull(wellness.get("mean"));
    }

    @Test
    void windowsRoundTripExactly() {
        WindowResult full = new WindowResult(Instant.ofEpochMilli(Windows.BASE), Instant.ofEpochMilli(Windows.BASE + 5000),
                new KindStatistics(12, 0.1 + 0.2, Math.sqrt(2) / 100, 1e-3, 0.99, Instant.ofEpochMilli(Windows.BASE + 4999)),
                new KindStatistics(5, 1.0 / 3, 0.0, 1.0 / 3, 1.0 / 3, Instant.ofEpochMilli(Windows.BASE + 1)), 17);
        WindowResult empty = Windows.empty(3, 0);
        WindowResult halfEmpty = new WindowResult(full.start(), full.end(), full.wellness(), KindStatistics.EMPTY, 1);

        for (WindowResult window : List.of(full, empty, halfEmpty)) {
            assertEquals(window, WindowResultJson.fromJson(WindowResultJson.toJson(window)));
        }
        assertEquals(List.of(full, empty, halfEmpty),
                WindowResultJson.fromJsonArray(WindowResultJson.toJsonArray(List.of(full, empty, halfEmpty))));
    }

    @Test
    void readsWindowsWrittenWithOtherSpacingAndFieldOrder() {
        String json = " { \"late\" : 2 , \"pollution\": {\"count\":0,\"mean\":null,\"stddev\":null,\"min\":null,"
                + "\"max\":null,\"latest\":null},\n \"wellness\":{\"latest\":9,\"max\":1.5E0,\"min\":-2,"
                + "\"stddev\":0.5,\"mean\":1,\"count\":2}, \"end\":10, \"start\":0 } ";

        WindowResult window = WindowResultJson.fromJson(json);

        assertEquals(new WindowResult(Instant.EPOCH, Instant.ofEpochMilli(10),
                new KindStatistics(2, 1.0, 0.5, -2.0, 1.5, Instant.ofEpochMilli(9)), KindStatistics.EMPTY, 2), window);
    }

    @Test
    void malformedOrIncompleteWindowsAreRejectedWithTheReason() {
        IllegalArgumentException truncated = assertThrows(IllegalArgumentException.class,
                () -> WindowResultJson.fromJson("{\"start\":1,\"end\""));
        assertTrue(truncated.getMessage().contains("offset"), truncated.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> WindowResultJson.fromJson("{\"start\":1,\"end\":2,\"late\":0}"));
        assertTrue(missing.getMessage().contains("wellness"), missing.getMessage());
    }

    @Test
    void flatObjectsAreWrittenInKeyOrderWithEscapedStrings() {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("records_sent", 120L);
        summary.put("identity_holds", true);
        summary.put("mode", "grpc \"direct\"\n");
        summary.put("ratio", Double.NaN);
        summary.put("windows_received", Map.of("t1", 12));
        summary.put("nothing", null);

        String json = Json.write(summary);

        assertEquals("{\"records_sent\":120,\"identity_holds\":true,\"mode\":\"grpc \\\"direct\\\"\\n\","
                + "\"ratio\":null,\"windows_received\":{\"t1\":12},\"nothing\":null}", json);
        assertEquals(summary.get("mode"), ((Map<?, ?>) Json.read(json)).get("mode"));
    }
}
