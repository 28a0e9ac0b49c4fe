package dev.meteo.report;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Markdown to standalone HTML with pandoc (the style sheet embedded in the page), then HTML to an A4 PDF with headless
 * Chromium. The tools are found on the PATH, or named by the environment variables {@code PANDOC} and {@code CHROMIUM}.
 */
public final class PdfRenderer {
    private static final long PANDOC_TIMEOUT_S = 60;
    private static final long CHROMIUM_TIMEOUT_S = 120;

    private final Path pandoc;
    private final Path chromium;

    private PdfRenderer(Path pandoc, Path chromium) {
        this.pandoc = pandoc;
        this.chromium = chromium;
    }

    /** A renderer with the tools of this machine; fails naming the Debian package of a missing tool. */
    public static PdfRenderer onThisMachine() {
        Path pandoc = pandoc().orElseThrow(() -> new ReportException(
                "pandoc not found: install it (apt-get install -y pandoc) or set PANDOC=/path/to/pandoc"));
        Path chromium = chromium().orElseThrow(() -> new ReportException(
                "chromium not found: install it (apt-get install -y chromium) or set CHROMIUM=/path/to/chromium"));
        return new PdfRenderer(pandoc, chromium);
    }

    /** pandoc, from {@code $PANDOC} or the PATH. */
    public static Optional<Path> pandoc() {
        return tool("PANDOC", "pandoc");
    }

    /** Chromium or Chrome, from {@code $CHROMIUM} or the PATH. */
    public static Optional<Path> chromium() {
        return tool("CHROMIUM", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable");
    }

    private static Optional<Path> tool(String variable, String... names) {
        String override = System.getenv(variable);
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : names) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    Path candidate = Path.of(dir, name);
                    if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                        return Optional.of(candidate);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Converts {@code markdown} to a standalone {@code html} page with the CSS of {@code css} embedded in it; images
     * are referenced relative to the page, so the caller puts them beside it.
     */
    public void toHtml(Path markdown, Path css, Path html) throws IOException {
        Path header = Files.createTempFile("meteo-report-style", ".html");
        try {
            Files.writeString(header, "<style>\n" + Files.readString(css, StandardCharsets.UTF_8) + "\n</style>\n",
                    StandardCharsets.UTF_8);
            run(PANDOC_TIMEOUT_S, List.of(pandoc.toString(),
                    "--from=markdown", "--to=html5", "--standalone",
                    "--toc", "--toc-depth=2",
                    "--metadata=lang:en",
                    "--metadata=document-css:false", // pandoc's own page style; style.css is the whole style
                    "--include-in-header=" + header,
                    "--resource-path=" + html.toAbsolutePath().getParent(),
                    "--output=" + html.toAbsolutePath(),
                    markdown.toAbsolutePath().toString()));
        } finally {
            Files.deleteIfExists(header);
        }
        if (!Files.isRegularFile(html)) {
            throw new ReportException("pandoc wrote no " + html);
        }
    }

    /** Prints {@code html} to {@code pdf} with headless Chromium, in a throw-away profile, without header or footer. */
    public void toPdf(Path html, Path pdf) throws IOException {
        Path profile = Files.createTempDirectory("meteo-report-chromium");
        Path target = pdf.toAbsolutePath();
        Files.deleteIfExists(target);
        try {
            run(CHROMIUM_TIMEOUT_S, List.of(chromium.toString(),
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage",
                    "--user-data-dir=" + profile,
                    "--no-pdf-header-footer",
                    "--print-to-pdf=" + target,
                    html.toAbsolutePath().toUri().toString()));
        } finally {
            deleteRecursively(profile);
        }
        if (!Files.isRegularFile(target) || Files.size(target) == 0) {
            throw new ReportException("chromium wrote no " + target);
        }
        try (InputStream in = Files.newInputStream(target)) {
            byte[] magic = in.readNBytes(4);
            if (!"%PDF".equals(new String(magic, StandardCharsets.US_ASCII))) {
                throw new ReportException(target + " is not a PDF");
            }
        }
    }

    private static void run(long timeoutSeconds, List<String> command) throws IOException {
        Path log = Files.createTempFile("meteo-report-tool", ".log");
        try {
            Process process = new ProcessBuilder(new ArrayList<>(command))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            boolean finished;
            try {
                finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new ReportException("interrupted while running " + command.get(0), e);
            }
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new ReportException(command.get(0) + " did not finish within " + timeoutSeconds + " s:\n"
                        + tail(log));
            }
            if (process.exitValue() != 0) {
                throw new ReportException(command.get(0) + " failed (exit " + process.exitValue() + "):\n" + tail(log)
                        + "\ncommand: " + String.join(" ", command));
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
