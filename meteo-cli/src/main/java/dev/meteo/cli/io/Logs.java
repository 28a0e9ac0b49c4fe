package dev.meteo.cli.io;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * The launcher's one logging setup. The SDK logs through {@code java.util.logging} and the libraries (amqp-client,
 * Jedis, Qpid) through SLF4J, which the launcher binds to {@code java.util.logging} ({@code slf4j-jdk14}); so every
 * line, with the launcher's own messages ({@link Console}), goes through one handler on stderr, in one format: text
 * ({@code 20:10:01.123 INFO message}) or JSON, one object per line: {@code time} (ISO-8601, UTC), {@code level},
 * {@code role}, {@code id}, {@code message}, and {@code fields} ({@code logger}, {@code thread}, {@code error} with its
 * stack trace when there is one). Thread-safe; configured once at start, the role named once it is known.
 */
public final class Logs {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static volatile LogFormat format = LogFormat.TEXT;
    private static volatile String role = "meteo";
    private static volatile String id = "meteo";
    private static Handler handler;

    private Logs() {
    }

    /** Sends every log line of this process to stderr in {@code chosen} format, replacing the JDK's default handler. */
    public static synchronized void configure(LogFormat chosen) {
        format = chosen;
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler existing : root.getHandlers()) {
            root.removeHandler(existing);
        }
        handler = new StreamHandler(System.err, new LineFormatter()) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush(); // one line at a time: the demo reads its children's output as it comes
            }
        };
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
    }

    /** Names this process in its JSON lines ({@code role}, {@code id}), e.g. {@code server}, {@code server-1}. */
    public static void identify(String newRole, String newId) {
        role = newRole;
        id = newId;
    }

    public static LogFormat format() {
        return format;
    }

    /** One message of the launcher itself, in the chosen format, on {@code out}. */
    static void console(PrintStream out, String message) {
        if (format == LogFormat.JSON) {
            out.println(json(Instant.now(), "INFO", message, Map.of("logger", "meteo")));
        } else {
            out.println(LocalTime.now().format(TIME) + " " + message);
        }
    }

    private static String json(Instant time, String level, String message, Map<String, Object> fields) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", time.toString());
        line.put("level", level);
        line.put("role", role);
        line.put("id", id);
        line.put("message", message);
        line.put("fields", fields);
        return Json.write(line);
    }

    /** Text: time of day, level, message (and the stack trace); JSON: see the class comment. */
    private static final class LineFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            String message = formatMessage(record);
            String error = null;
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                error = trace.toString();
            }
            if (format == LogFormat.JSON) {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("logger", record.getLoggerName());
                fields.put("thread", Thread.currentThread().getName());
                if (error != null) {
                    fields.put("error", error);
                }
                return json(record.getInstant(), record.getLevel().getName(), message, fields) + System.lineSeparator();
            }
            return LocalTime.ofInstant(record.getInstant(), ZoneId.systemDefault()).format(TIME) + " "
                    + record.getLevel().getName() + " " + message + (error == null ? "" : " " + error)
                    + System.lineSeparator();
        }
    }
}
