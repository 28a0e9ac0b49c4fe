package dev.meteo.rabbit.topology;

import com.google.protobuf.InvalidProtocolBufferException;
import com.rabbitmq.client.AMQP;
import dev.meteo.proto.ProtoCodec;
import dev.meteo.proto.Reading;
import dev.meteo.proto.RecordBatch;
import dev.meteo.model.RawMeteoData;
import dev.meteo.model.SensorRecord;
import dev.meteo.model.WindowResult;

import java.util.List;
import java.util.Map;

/**
 * The message format of the indirect mode. A record travels as the protobuf encoding of its
 * {@code meteo.v1} message (the schema shared with direct mode); its type is in the
 * {@value #RECORD_TYPE_HEADER} header and in the content type, its identity ({@code sensorId#sequence}) in the
 * message id. A fleet's batch travels as a {@code meteo.v1.RecordBatch} (type {@value #BATCH}, version
 * {@value #BATCH_VERSION} in the {@value #BATCH_VERSION_HEADER} header), on the same work queue. A window result
 * travels as a {@code meteo.v1.WindowResult}. Every message is persistent.
 */
public final class RecordMessages {

    /** Header naming the record's type: {@value #AIR} or {@value #POLLUTION}. */
    public static final String RECORD_TYPE_HEADER = "meteo-record-type";
    public static final String AIR = "RawMeteoData";
    public static final String POLLUTION = "RawPollutionData";
    /** Header of a dead letter: why the compute server rejected it, readable by a human. */
    public static final String REJECT_REASON_HEADER = "meteo-reject-reason";
    /** Header of a dead letter: the compute server that rejected it. */
    public static final String REJECTED_BY_HEADER = "meteo-rejected-by";
    /** The type of a message holding many records ({@code meteo.v1.RecordBatch}), in the type header and content type. */
    public static final String BATCH = "RecordBatch";
    /** Header of a batch: the version of the batch format; a server dead-letters a version it does not read. */
    public static final String BATCH_VERSION_HEADER = "meteo-batch-version";
    /**
     * The batch format this code writes and reads: body a {@code RecordBatch}, acknowledged once every record in it
     * is stored, late, a duplicate or rejected; an invalid record dead-lettered alone.
     */
    public static final int BATCH_VERSION = 1;
    /** Header of a dead letter taken out of a batch: the message id of the batch it came in. */
    public static final String FROM_BATCH_HEADER = "meteo-from-batch";

    private static final String CONTENT_TYPE = "application/x-protobuf; proto=meteo.v1.";
    private static final int PERSISTENT = 2;
    /** Longest part of a sender's text quoted in a reason: reasons go into dead-letter headers and the store. */
    private static final int MAX_QUOTED = 100;

    private RecordMessages() {
    }

    /** The properties of a record's message. */
    public static AMQP.BasicProperties properties(SensorRecord record) {
        String type = record instanceof RawMeteoData ? AIR : POLLUTION;
        return new AMQP.BasicProperties.Builder()
                .contentType(CONTENT_TYPE + type)
                .deliveryMode(PERSISTENT)
                .messageId(record.id().key())
                .headers(Map.of(RECORD_TYPE_HEADER, type))
                .build();
    }

    public static byte[] body(SensorRecord record) {
        return ProtoCodec.encode(record);
    }

    /** The properties of a batch message; {@code messageId} names the batch in logs and dead letters. */
    public static AMQP.BasicProperties batchProperties(String messageId) {
        return new AMQP.BasicProperties.Builder()
                .contentType(CONTENT_TYPE + BATCH)
                .deliveryMode(PERSISTENT)
                .messageId(messageId)
                .headers(Map.of(RECORD_TYPE_HEADER, BATCH, BATCH_VERSION_HEADER, BATCH_VERSION))
                .build();
    }

    /** The body of a batch message: the records in their order. */
    public static byte[] batchBody(List<SensorRecord> records) {
        RecordBatch.Builder batch = RecordBatch.newBuilder();
        records.forEach(record -> batch.addReadings(ProtoCodec.reading(record)));
        return batch.build().toByteArray();
    }

    /** Whether a message of the work queue says it is a batch (its type header, else its content type). */
    public static boolean isBatch(AMQP.BasicProperties properties) {
        return BATCH.equals(typeOf(properties));
    }

    /**
     * Decodes a batch message. Total like {@link #decode}: any readings, valid or not, come back (a reading that
     * carries no record is for the caller to reject alone); only a message that is not a batch of a version this code
     * reads (a missing version header is version 1) is undecodable, as a whole.
     *
     * @throws UndecodableMessageException with a human-readable reason (a few hundred characters at most)
     */
    public static RecordBatch decodeBatch(AMQP.BasicProperties properties, byte[] body) {
        Map<String, Object> headers = properties == null ? null : properties.getHeaders();
        Object version = headers == null ? null : headers.get(BATCH_VERSION_HEADER);
        if (version != null && !String.valueOf(BATCH_VERSION).equals(version.toString().trim())) {
            throw new UndecodableMessageException("batch version '" + excerpt(version.toString()) + "' is not one this "
                    + "compute server reads (" + BATCH_VERSION + "): upgrade the compute servers");
        }
        if (body == null) {
            throw new UndecodableMessageException("the message has no body");
        }
        try {
            return RecordBatch.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new UndecodableMessageException("body is not a " + BATCH + " protobuf message: " + excerpt(e.getMessage()));
        } catch (RuntimeException e) {
            throw new UndecodableMessageException("body is not a " + BATCH + " protobuf message: " + excerpt(String.valueOf(e)));
        }
    }

    /** The record a reading of a batch carries, or {@code null} when it carries none. Never throws. */
    public static SensorRecord record(Reading reading) {
        return ProtoCodec.record(reading);
    }

    /**
     * The properties of the message a reading of batch {@code batchMessageId} would be on its own, to dead-letter it
     * alone: a record's (its identity as the message id), or for a reading that carries none, the batch's id and
     * the reading's position.
     */
    public static AMQP.BasicProperties properties(Reading reading, String batchMessageId, int position) {
        SensorRecord record = record(reading);
        if (record != null) {
            return properties(record);
        }
        return new AMQP.BasicProperties.Builder().deliveryMode(PERSISTENT)
                .messageId(batchMessageId + "#" + position).build();
    }

    /** The body a reading of a batch would have on its own: the record's message as its sender encoded it. */
    public static byte[] body(Reading reading) {
        return switch (reading.getReadingCase()) {
            case AIR -> reading.getAir().toByteArray();
            case POLLUTION -> reading.getPollution().toByteArray();
            case READING_NOT_SET -> reading.toByteArray();
        };
    }

    /**
     * Decodes a record's message by its type header (or, failing that, its content type). Total: whatever the
     * properties, headers and body hold, the result is a record (which the compute node then accepts or rejects with
     * a reason; a detection time no {@code Instant} can hold is saturated, see {@link ProtoCodec#instant}) or an
     * {@link UndecodableMessageException} with a reason, never another exception.
     *
     * @throws UndecodableMessageException with a human-readable reason (a few hundred characters at most)
     */
    public static SensorRecord decode(AMQP.BasicProperties properties, byte[] body) {
        String type = typeOf(properties);
        if (type == null) {
            throw new UndecodableMessageException("no " + RECORD_TYPE_HEADER + " header and no meteo content type");
        }
        if (body == null) {
            throw new UndecodableMessageException("the message has no body");
        }
        try {
            return switch (type) {
                case AIR -> ProtoCodec.fromProto(dev.meteo.proto.RawMeteoData.parseFrom(body));
                case POLLUTION -> ProtoCodec.fromProto(dev.meteo.proto.RawPollutionData.parseFrom(body));
                case BATCH -> throw new UndecodableMessageException("a batch of records, not one record");
                default -> throw new UndecodableMessageException("unknown record type '" + excerpt(type) + "'");
            };
        } catch (InvalidProtocolBufferException e) {
            throw new UndecodableMessageException("body is not a " + type + " protobuf message: " + excerpt(e.getMessage()));
        } catch (UndecodableMessageException e) {
            throw e;
        } catch (RuntimeException e) {
            // protobuf-java documents InvalidProtocolBufferException only; anything else still means "not a record"
            throw new UndecodableMessageException("body is not a " + type + " protobuf message: " + excerpt(String.valueOf(e)));
        }
    }

    /** The type a message names: its type header as text (a sender may put anything there), else its content type's. */
    private static String typeOf(AMQP.BasicProperties properties) {
        Map<String, Object> headers = properties == null ? null : properties.getHeaders();
        Object header = headers == null ? null : headers.get(RECORD_TYPE_HEADER);
        if (header != null) {
            return header.toString(); // LongString on the consumer side
        }
        String contentType = properties == null ? null : properties.getContentType();
        return contentType != null && contentType.startsWith(CONTENT_TYPE) ? contentType.substring(CONTENT_TYPE.length()) : null;
    }

    private static String excerpt(String text) {
        return text == null || text.length() <= MAX_QUOTED ? text : text.substring(0, MAX_QUOTED) + "...";
    }

    /** The properties of a window result's message. */
    public static AMQP.BasicProperties properties(WindowResult result) {
        return new AMQP.BasicProperties.Builder()
                .contentType(CONTENT_TYPE + "WindowResult")
                .deliveryMode(PERSISTENT)
                .messageId("window-" + result.start().toEpochMilli() + "-" + result.end().toEpochMilli())
                .build();
    }

    public static byte[] body(WindowResult result) {
        return ProtoCodec.toProto(result).toByteArray();
    }

    /** @throws UndecodableMessageException when the body is not a window result */
    public static WindowResult decodeWindow(byte[] body) {
        try {
            return ProtoCodec.fromProto(dev.meteo.proto.WindowResult.parseFrom(body));
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new UndecodableMessageException("body is not a WindowResult protobuf message: " + e.getMessage());
        }
    }

    /** A message that is not a Meteo message; {@link #getMessage()} is the reason put in the dead letter. */
    public static final class UndecodableMessageException extends RuntimeException {
        public UndecodableMessageException(String reason) {
            super(reason);
        }
    }
}
