package dev.meteo.report;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds figures typed by hand in a Markdown text: a digit in prose, once what may hold one is taken out. What may:
 * a placeholder ({@code {{bench:PATH|FORMAT}}}, filled from a committed results file), a fenced code block and an
 * inline code span that is more than a number (a command, a flag with its value, an address, a class name: literal
 * text a reader types or finds in the code, not a measurement), a link's target, the number of a heading or of an
 * ordered list item (structure), an HTML comment, and a few names that contain a digit. Everything else with a
 * digit is a figure that no results file backs.
 */
final class HandTypedFigures {

    /** Names with a digit in them: products and protocols with their version, a chemical formula. */
    static final List<String> NAMES = List.of("Java 17", "CO2", "HTTP/2", "HTTP/1.1", "RabbitMQ 3.8", "AMQP 0-9-1");

    private static final Pattern CODE_SPAN = Pattern.compile("`([^`]*)`");
    private static final Pattern NUMBER_ONLY = Pattern.compile("[\\s\\d.,%+\\-x~]*(k|M|ms|s|MB|kB|GB|/s)?\\s*");
    private static final Pattern LINK_TARGET = Pattern.compile("\\]\\([^)]*\\)");
    private static final Pattern HTML_COMMENT = Pattern.compile("<!--.*?-->");
    private static final Pattern HEADING_NUMBER = Pattern.compile("^#{1,6}\\s+[0-9]+(\\.[0-9]+)*\\.?\\s");
    private static final Pattern LIST_NUMBER = Pattern.compile("^\\s*[0-9]+\\.\\s");

    private HandTypedFigures() {
    }

    /** The lines (1-based number, then the line) of {@code lines} that hold a figure typed by hand. */
    static List<String> in(List<String> lines) {
        List<String> found = new ArrayList<>();
        boolean fenced = false;
        boolean inComment = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            String text = line;
            if (inComment) {
                int end = text.indexOf("-->");
                if (end < 0) {
                    continue;
                }
                text = text.substring(end + 3);
                inComment = false;
            }
            text = HTML_COMMENT.matcher(text).replaceAll("");
            int open = text.indexOf("<!--");
            if (open >= 0) {
                text = text.substring(0, open);
                inComment = true;
            }
            if (prose(text).matches("(?s).*[0-9].*")) {
                found.add("line " + (i + 1) + ": " + line);
            }
        }
        return found;
    }

    /** The line as prose: what may hold a digit taken out. */
    static String prose(String line) {
        String text = PlaceholderExpander.PLACEHOLDER.matcher(line).replaceAll("");
        text = HEADING_NUMBER.matcher(text).replaceFirst("");
        text = LIST_NUMBER.matcher(text).replaceFirst("");
        text = LINK_TARGET.matcher(text).replaceAll("]");
        text = CODE_SPAN.matcher(text).replaceAll(span -> NUMBER_ONLY.matcher(span.group(1)).matches()
                ? Matcher.quoteReplacement(span.group(1)) : "");
        for (String name : NAMES) {
            text = text.replace(name, "");
        }
        return text;
    }
}
