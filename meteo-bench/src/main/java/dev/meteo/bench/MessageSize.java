package dev.meteo.bench;

import dev.meteo.model.RawMeteoData;
import dev.meteo.model.RawPollutionData;
import dev.meteo.model.SensorRecord;
import dev.meteo.rabbit.topology.RecordMessages;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The body bytes of the pipeline's messages on the work queue, for PerfTest to send messages of the same size: a
 * record's own message, or a batch message of n records (docs/wire-formats.md), encoded by the same code the sensors
 * use, half air and half pollution, with ids of a fleet's length ({@code air-1-12345}).
 */
final class MessageSize {

    /** PerfTest's smallest message: it writes a sequence number and a timestamp into each body. */
    static final int PERF_TEST_MINIMUM = 12;

    private MessageSize() {
    }

    /** Bytes of a batch message of {@code records} records; of a record's own message when {@code records} is 1. */
    static int bytes(int records) {
        List<SensorRecord> content = new ArrayList<>(records);
        Instant now = Instant.now();
        for (int i = 0; i < records; i++) {
            content.add(i % 2 == 0
                    ? new RawMeteoData("air-1-" + (10_000 + i), 100_000 + i, now, 21.5, 48.25)
                    : new RawPollutionData("pollution-2-" + (10_000 + i), 100_000 + i, now, 612));
        }
        int bytes = records == 1 ? RecordMessages.body(content.get(0)).length : RecordMessages.batchBody(content).length;
        return Math.max(PERF_TEST_MINIMUM, bytes);
    }
}
