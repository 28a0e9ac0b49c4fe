package dev.meteo.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds the report: {@code meteo-report.md} with its placeholders expanded from the results of {@code meteo bench}
 * ({@code target/meteo-report.md}), converted to HTML by pandoc ({@code target/meteo-report.html}, images from
 * {@code results/} and {@code figures/} copied beside it) and printed to PDF by headless Chromium
 * ({@code meteo-report.pdf}). Run by {@code report/build.sh}; see {@code report/README.md}.
 */
public final class ReportBuilder {
    /** Folders of the report's directory whose files (images) the Markdown may reference; copied beside the HTML. */
    static final List<String> ASSET_DIRS = List.of("results", "figures");
    private static final Pattern LOCAL_IMAGE = Pattern.compile("!\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");

    /**
     * What to build. {@code source} is the report's Markdown; {@code results} the bench JSON; {@code outDir} receives
     * the expanded Markdown and the HTML; {@code pdf} is the PDF to write; {@code css} the style sheet embedded in the
     * HTML. {@code allowDraft} turns prose placeholders into visible TODOs instead of failing; {@code markdownOnly}
     * stops after the Markdown (no pandoc, no Chromium).
     */
    public record Options(Path source, Path results, Path outDir, Path pdf, Path css,
                          boolean allowDraft, boolean markdownOnly) {
        public Options {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(results, "results");
            Objects.requireNonNull(outDir, "outDir");
            Objects.requireNonNull(pdf, "pdf");
            Objects.requireNonNull(css, "css");
        }

        /** The defaults for a report directory: its meteo-report.md, results/bench.json, target/, style.css. */
        public static Options forReportDir(Path reportDir) {
            return new Options(reportDir.resolve("meteo-report.md"), reportDir.resolve("results/bench.json"),
                    reportDir.resolve("target"), reportDir.resolve("meteo-report.pdf"), reportDir.resolve("style.css"),
                    false, false);
        }
    }

    /** What was built; {@code html} and {@code pdf} are null with {@code markdownOnly}. */
    public record Result(Path markdown, Path html, Path pdf, List<String> todos) {
    }

    private ReportBuilder() {
    }

    /**
     * The results files beside {@code benchResults}, by name: for {@code results/bench.json}, {@code scale} is
     * {@code results/scale.json}; for a fixture {@code bench-fixture.json}, {@code scale-fixture.json}. Each is read
     * when a placeholder first names it.
     */
    static Function<String, BenchResults> siblingResults(Path benchResults) {
        String fileName = benchResults.getFileName().toString();
        String suffix = fileName.startsWith("bench") ? fileName.substring("bench".length()) : ".json";
        Map<String, BenchResults> read = new HashMap<>();
        return name -> read.computeIfAbsent(name, n -> BenchResults.read(benchResults.resolveSibling(n + suffix)));
    }

    /** Runs the whole pipeline; throws a {@link ReportException} saying what to fix. */
    public static Result build(Options options) throws IOException {
        String text = Files.readString(options.source(), StandardCharsets.UTF_8);
        BenchResults results = BenchResults.read(options.results());
        PlaceholderExpander.Expansion expansion = new PlaceholderExpander(results, siblingResults(options.results()),
                options.allowDraft()).expand(text, options.source().toString());

        Files.createDirectories(options.outDir());
        Path markdown = options.outDir().resolve(options.source().getFileName());
        if (markdown.toAbsolutePath().normalize().equals(options.source().toAbsolutePath().normalize())) {
            throw new ReportException("the output directory must not be the source's directory: " + options.outDir());
        }
        Files.writeString(markdown, expansion.markdown(), StandardCharsets.UTF_8);
        copyAssets(options.source().toAbsolutePath().getParent(), options.outDir());
        checkImages(expansion.markdown(), options.outDir(), options.source());
        if (options.markdownOnly()) {
            return new Result(markdown, null, null, expansion.todos());
        }

        PdfRenderer renderer = PdfRenderer.onThisMachine();
        String base = options.source().getFileName().toString().replaceFirst("\\.md$", "");
        Path html = options.outDir().resolve(base + ".html");
        renderer.toHtml(markdown, options.css(), html);
        Path pdf = options.pdf();
        if (pdf.toAbsolutePath().getParent() != null) {
            Files.createDirectories(pdf.toAbsolutePath().getParent());
        }
        renderer.toPdf(html, pdf);
        return new Result(markdown, html, pdf, expansion.todos());
    }

    /** Copies the image folders of the report's directory beside the HTML, so relative references keep working. */
    private static void copyAssets(Path reportDir, Path outDir) throws IOException {
        for (String name : ASSET_DIRS) {
            Path from = reportDir.resolve(name);
            if (!Files.isDirectory(from)) {
                continue;
            }
            Path to = outDir.resolve(name);
            try (Stream<Path> files = Files.walk(from)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    if (file.getFileName().toString().endsWith(".json")) {
                        continue; // the figures are already in the text
                    }
                    Path target = to.resolve(from.relativize(file).toString());
                    Files.createDirectories(target.getParent());
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Fails on a local image the Markdown references but that is not beside the HTML (a chart bench did not draw). */
    private static void checkImages(String markdown, Path outDir, Path source) {
        List<String> missing = new ArrayList<>();
        Matcher m = LOCAL_IMAGE.matcher(markdown);
        while (m.find()) {
            String ref = m.group(1);
            if (ref.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") || ref.startsWith("/")) {
                continue; // a URL or an absolute path: not ours to check
            }
            if (!Files.isRegularFile(outDir.resolve(ref))) {
                missing.add(ref);
            }
        }
        if (!missing.isEmpty()) {
            throw new ReportException(source + " references image(s) that do not exist (expected in "
                    + String.join(", ", ASSET_DIRS) + "/ beside it): " + String.join(", ", missing));
        }
    }

    /** Command line: see {@link #USAGE}. Exit status 0 built, 1 cannot build (message on stderr), 2 bad usage. */
    public static void main(String[] args) {
        try {
            Options options = parse(args);
            if (options == null) {
                System.out.println(USAGE);
                return;
            }
            Result result = build(options);
            for (String todo : result.todos()) {
                System.err.println("report: draft: {{" + todo + "}} is not written yet (shown as [TODO " + todo + "])");
            }
            System.out.println("report: markdown " + result.markdown());
            if (result.html() != null) {
                System.out.println("report: html     " + result.html());
                System.out.println("report: pdf      " + result.pdf());
            }
        } catch (UsageException e) {
            System.err.println("report: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
        } catch (ReportException e) {
            System.err.println("report: " + e.getMessage());
            System.exit(1);
        } catch (IOException e) {
            System.err.println("report: " + e);
            System.exit(1);
        }
    }

    static final String USAGE = """
            usage: ReportBuilder [--report-dir DIR] [--source MD] [--results JSON] [--out DIR] [--pdf FILE]
                                 [--css FILE] [--allow-draft] [--markdown-only]
              --report-dir DIR  the report's directory (default: report/ if it exists here, else .); the other
                                defaults are relative to it: meteo-report.md, results/bench.json, target/,
                                meteo-report.pdf, style.css
              --allow-draft     leave prose placeholders such as {{grpc_design}} as a visible [TODO ...]
                                instead of failing (figures {{bench:...}} must still resolve)
              --markdown-only   expand the placeholders into target/meteo-report.md and stop (no pandoc/Chromium)""";

    private static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    private static Options parse(String[] args) {
        Path reportDir = null;
        Path source = null;
        Path results = null;
        Path out = null;
        Path pdf = null;
        Path css = null;
        boolean draft = false;
        boolean markdownOnly = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "-h", "--help" -> {
                    return null;
                }
                case "--allow-draft" -> draft = true;
                case "--markdown-only" -> markdownOnly = true;
                case "--report-dir", "--source", "--results", "--out", "--pdf", "--css" -> {
                    if (i + 1 >= args.length) {
                        throw new UsageException(arg + " needs a value");
                    }
                    Path value = Path.of(args[++i]);
                    switch (arg) {
                        case "--report-dir" -> reportDir = value;
                        case "--source" -> source = value;
                        case "--results" -> results = value;
                        case "--out" -> out = value;
                        case "--pdf" -> pdf = value;
                        default -> css = value;
                    }
                }
                default -> throw new UsageException("unknown argument " + arg);
            }
        }
        if (reportDir == null) {
            reportDir = Files.isRegularFile(Path.of("report", "meteo-report.md")) ? Path.of("report") : Path.of(".");
        }
        Options d = Options.forReportDir(reportDir);
        return new Options(source != null ? source : d.source(), results != null ? results : d.results(),
                out != null ? out : d.outDir(), pdf != null ? pdf : d.pdf(), css != null ? css : d.css(),
                draft, markdownOnly);
    }
}
