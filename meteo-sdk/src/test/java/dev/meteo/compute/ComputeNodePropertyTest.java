package dev.meteo.compute;

import dev.meteo.model.Coefficient;
import dev.meteo.model.InvalidRecordException;
import dev.meteo.model.RecordGen;
import dev.meteo.model.RecordId;
import dev.meteo.model.RecordValidator;
import dev.meteo.model.SensorRecord;
import dev.meteo.store.CoefficientStore;
import dev.meteo.store.StoreOutcome;
import dev.meteo.testing.Tries;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever records a transport hands over, the node stores or rejects each with a reason: the store never sees a time
 * it cannot hold in epoch milliseconds (which failed a whole group commit) nor an identity it cannot key, and in a
 * batch an invalid record is rejected alone.
 *
 * <p>Property tests: each runs its property over many seeded random inputs ({@link Tries}, {@link RecordGen}), the
 * same on every run, on one node per test. A failure names the seed of the input that failed; replay it alone with
 * {@code mvn -B -ntp -pl meteo-sdk -am test -Dtest='ComputeNodePropertyTest#<method>'
 * -Dsurefire.failIfNoSpecifiedTests=false -Dmeteo.seed=<seed>}.
 */
class ComputeNodePropertyTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private final StrictStore store = new StrictStore();
    private final ComputeNode node = new ComputeNode(ComputeSettings.of("property"), store,
            Clock.fixed(NOW, ZoneOffset.UTC));

    @AfterEach
    void closeNode() {
        node.close();
    }

    @Test
    void everyRecordIsStoredOrRejectedWithAReason() {
        Tries.forAll(300, gen -> RecordGen.records(gen, NOW), record -> {
            try {
                ComputeNode.Processed processed = node.process(record).get(10, TimeUnit.SECONDS);
                assertNotNull(processed.outcome());
            } catch (ExecutionException e) {
                InvalidRecordException invalid = assertInstanceOf(InvalidRecordException.class, e.getCause());
                assertTrue(!invalid.getMessage().isBlank());
            }
        });
    }

    @Test
    void inABatchEachInvalidRecordIsRejectedAloneAndTheOthersAreStored() {
        RecordValidator validator = new RecordValidator(Clock.fixed(NOW, ZoneOffset.UTC));
        Tries.forAll(100, gen -> gen.list(40, () -> RecordGen.records(gen, NOW)), records -> {
            List<ComputeNode.Result> results = node.processAll(records).get(10, TimeUnit.SECONDS);
            assertEquals(records.size(), results.size());
            for (int i = 0; i < records.size(); i++) {
                boolean valid = validator.rejection(records.get(i)).isEmpty();
                assertEquals(!valid, results.get(i).isRejected(), "record " + i);
            }
        });
    }

    @Test
    void aRejectionIsCountedUnderAnIdentityTheStoreCanKeyAndTheSameForARedelivery() {
        Tries.forAll(200, gen -> RecordGen.records(gen, NOW), record -> {
            RecordId id = ComputeNode.rejectedId(record);
            if (record == null) {
                return;
            }
            assertNotNull(id.sensorId());
            assertTrue(id.key().length() <= RecordValidator.MAX_SENSOR_ID_LENGTH + 21, id.key());
            assertEquals(id, ComputeNode.rejectedId(record));
            if (record.sensorId() != null && record.sensorId().length() <= RecordValidator.MAX_SENSOR_ID_LENGTH) {
                assertEquals(record.id(), id);
            }
        });
    }

    /** Does with times and ids what the Redis store does (epoch milliseconds, the id as a key), failing loudly. */
    private static final class StrictStore implements CoefficientStore {
        private final ConcurrentHashMap<String, Boolean> seen = new ConcurrentHashMap<>();

        @Override
        public List<StoreOutcome> storeAll(List<Coefficient> coefficients) {
            List<StoreOutcome> outcomes = new ArrayList<>(coefficients.size());
            for (Coefficient coefficient : coefficients) {
                try {
                    coefficient.detectedAt().toEpochMilli();
                } catch (ArithmeticException e) {
                    // as RedisMeteoStore: the whole group commit fails, and every record in it with it
                    throw new IllegalStateException("a time epoch milliseconds cannot hold: " + coefficient, e);
                }
                outcomes.add(seen.putIfAbsent(coefficient.recordId().key(), true) == null
                        ? StoreOutcome.STORED : StoreOutcome.DUPLICATE);
            }
            return outcomes;
        }

        @Override
        public boolean recordRejected(RecordId recordId, String reason) {
            Objects.requireNonNull(recordId.sensorId(), "sensor id"); // Jedis refuses a null argument
            Objects.requireNonNull(reason, "reason");
            return seen.putIfAbsent(recordId.key(), false) == null;
        }

        @Override
        public void close() {
        }
    }
}
