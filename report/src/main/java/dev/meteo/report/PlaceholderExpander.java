package dev.meteo.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces the placeholders of the report's Markdown with figures from {@link BenchResults}: {@code bench} (the
 * throughput run) and the other results files beside it, named by their placeholder's prefix ({@code scale},
 * {@code jmh-window-close}; see {@link ReportBuilder#siblingResults}).
 *
 * <ul>
 *   <li>{@code {{bench:PATH}}} and {@code {{bench:PATH|FORMAT}}}: the value at PATH, rendered with the
 *       {@link java.util.Formatter} pattern FORMAT (e.g. {@code {{bench:modes.grpc.records_per_s|%,.0f}}});</li>
 *   <li>{@code {{bench:PATH*FACTOR|FORMAT}}}: the value multiplied first, e.g. a ratio as a percentage,
 *       {@code {{bench:modes.grpc.ratio_to_limit*100|%.0f}} %};</li>
 *   <li>{@code {{NAME:PATH|FORMAT}}}: the same from the results file NAME, e.g.
 *       {@code {{scale:scale.grpc[sensors=10000].stored_per_s|%,.0f}}};</li>
 *   <li>{@code {{bench-table:modes}}}: a Markdown table comparing the modes ({@link ModeComparisonTable});</li>
 *   <li>{@code {{scale-table:MODE}}}: a Markdown table of the scale run's steps in MODE ({@link ScaleStepsTable});</li>
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

    /** {@code name:} of a figure from a results file; {@code name-table:} of a table. */
    private static final Pattern SOURCED = Pattern.compile("([a-z][a-z0-9-]*):(.*)", Pattern.DOTALL);

    private final BenchResults results;
    private final Function<String, BenchResults> otherResults;
    private final boolean allowDraft;

    /** Figures from {@code results} only ({@code bench:}). */
    public PlaceholderExpander(BenchResults results, boolean allowDraft) {
        this(results, name -> {
            throw new ReportException("names results '" + name + "' that this build does not have (only bench)");
        }, allowDraft);
    }

    /**
     * Figures from {@code results} ({@code bench:}) and from the results {@code otherResults} gives by name (it
     * throws a {@link ReportException} when there are none of that name).
     */
    public PlaceholderExpander(BenchResults results, Function<String, BenchResults> otherResults, boolean allowDraft) {
        this.results = results;
        this.otherResults = otherResults;
        this.allowDraft = allowDraft;
    }

    private BenchResults source(String name) {
        return name.equals("bench") ? results : otherResults.apply(name);
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
        Matcher sourced = SOURCED.matcher(body);
        if (body.startsWith("bench-table:")) {
            String table = body.substring("bench-table:".length()).trim();
            if (!table.equals("modes")) {
                throw new ReportException("names an unknown table '" + table + "' (known: modes)");
            }
            return ModeComparisonTable.render(results);
        }
        if (body.startsWith("scale-table:")) {
            return ScaleStepsTable.render(source("scale"), body.substring("scale-table:".length()).trim());
        }
        if (sourced.matches()) {
            BenchResults from = source(sourced.group(1));
            String spec = sourced.group(2);
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
                value = from.lookup(path);
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
