package dev.meteo.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces the placeholders of the report's Markdown with figures from {@link BenchResults}.
 *
 * <ul>
 *   <li>{@code {{bench:PATH}}} and {@code {{bench:PATH|FORMAT}}}: the value at PATH, rendered with the
 *       {@link java.util.Formatter} pattern FORMAT (e.g. {@code {{bench:modes.grpc.records_per_s|%,.0f}}});</li>
 *   <li>{@code {{bench:PATH*FACTOR|FORMAT}}}: the value multiplied first, e.g. a ratio as a percentage,
 *       {@code {{bench:modes.grpc.ratio_to_limit*100|%.0f}} %};</li>
 *   <li>{@code {{bench-table:modes}}}: a Markdown table comparing the modes ({@link ModeComparisonTable});</li>
 *   <li>any other {@code {{name}}} is prose still to be written: an error, or with {@code allowDraft} a visible
 *       {@code [TODO name]}.</li>
 * </ul>
 *
 * Every problem is reported at once, each with its line and placeholder, in one {@link ReportException}.
 */
public final class PlaceholderExpander {
    /** A placeholder: two braces, anything but braces, two braces. */
    public static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^{}]*)\\}\\}");
    /** A path with a scale factor, {@code PATH*100}: a ratio shown as a percentage. */
    private static final Pattern SCALED = Pattern.compile("(.*?)\\s*\\*\\s*([0-9]+(?:\\.[0-9]+)?)");

    private final BenchResults results;
    private final boolean allowDraft;

    public PlaceholderExpander(BenchResults results, boolean allowDraft) {
        this.results = results;
        this.allowDraft = allowDraft;
    }

    /** The expanded Markdown and the prose placeholders left as TODO (empty unless drafting). */
    public record Expansion(String markdown, List<String> todos) {
    }

    /** Expands every placeholder of {@code markdown}; {@code source} names the file in error messages. */
    public Expansion expand(String markdown, String source) {
        List<String> errors = new ArrayList<>();
        List<String> todos = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(markdown);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String placeholder = m.group();
            String body = m.group(1).trim();
            String replacement;
            try {
                replacement = resolve(body, todos);
            } catch (ReportException e) {
                errors.add(source + ":" + lineOf(markdown, m.start()) + ": " + placeholder + " " + e.getMessage());
                replacement = placeholder;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        if (!errors.isEmpty()) {
            throw new ReportException(errors.size() + " placeholder(s) cannot be expanded (figures from " + results.source()
                    + "):\n  " + String.join("\n  ", errors));
        }
        return new Expansion(out.toString(), List.copyOf(todos));
    }

    private String resolve(String body, List<String> todos) {
        if (body.startsWith("bench:")) {
            String spec = body.substring("bench:".length());
            int bar = spec.indexOf('|');
            String path = (bar < 0 ? spec : spec.substring(0, bar)).trim();
            String format = bar < 0 ? null : spec.substring(bar + 1);
            BigDecimal scale = null;
            Matcher scaled = SCALED.matcher(path);
            if (scaled.matches()) {
                path = scaled.group(1);
                scale = new BigDecimal(scaled.group(2));
            }
            Object value;
            try {
                value = results.lookup(path);
            } catch (ReportException e) {
                throw new ReportException("has no value: " + e.getMessage());
            }
            if (scale != null) {
                if (!(value instanceof BigDecimal number)) {
                    throw new ReportException("cannot be scaled: " + path + " is not a number");
                }
                value = number.multiply(scale);
            }
            return BenchResults.format(value, format);
        }
        if (body.startsWith("bench-table:")) {
            String table = body.substring("bench-table:".length()).trim();
            if (!table.equals("modes")) {
                throw new ReportException("names an unknown table '" + table + "' (known: modes)");
            }
            return ModeComparisonTable.render(results);
        }
        if (allowDraft) {
            todos.add(body);
            return "**[TODO " + body + "]**";
        }
        throw new ReportException("is not a figure (bench:/bench-table:) but text still to be written;"
                + " replace it, or build a draft with --allow-draft");
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
