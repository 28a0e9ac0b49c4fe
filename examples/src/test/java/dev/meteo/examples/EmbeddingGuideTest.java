package dev.meteo.examples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/embedding.md shows complete classes that compile: each of its Java blocks is announced by
 * {@code <!-- file: PATH -->} and is that file of this module, character for character, so the build compiles
 * (and {@link ExamplesTest} runs) exactly what the guide shows. Its Maven coordinates are the build's.
 */
class EmbeddingGuideTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent(); // surefire runs in examples/
    private static final Path GUIDE = ROOT.resolve("docs/embedding.md");
    private static final Pattern FILE_MARK = Pattern.compile("<!-- file: (\\S+) -->");
    private static final Path EMBEDDING_SOURCES = ROOT.resolve("examples/src/main/java/dev/meteo/examples/embedding");

    /** A fenced block: the line it starts on, its info string, its text, and the file mark just above it. */
    private record Block(int line, String info, String text, String file) {
    }

    private static List<Block> blocks() throws IOException {
        List<String> lines = Files.readAllLines(GUIDE, StandardCharsets.UTF_8);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith("```")) {
                continue;
            }
            String info = lines.get(i).substring(3).strip();
            Matcher mark = i > 0 ? FILE_MARK.matcher(lines.get(i - 1).strip()) : null;
            String file = mark != null && mark.matches() ? mark.group(1) : null;
            StringBuilder text = new StringBuilder();
            int start = i;
            for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
                text.append(lines.get(i)).append('\n');
            }
            blocks.add(new Block(start + 1, info, text.toString(), file));
        }
        return blocks;
    }

    @Test
    void everyJavaBlockIsACompiledSourceOfThisModuleAsItIs() throws IOException {
        List<Block> java = blocks().stream().filter(block -> block.info().equals("java")).toList();
        assertFalse(java.isEmpty(), "no java block in " + GUIDE);
        for (Block block : java) {
            assertTrue(block.file() != null, "docs/embedding.md line " + block.line()
                    + ": a java block must follow <!-- file: examples/src/main/java/... --> naming the source it shows");
            Path source = ROOT.resolve(block.file());
            assertTrue(block.file().startsWith("examples/src/main/java/") && Files.isRegularFile(source),
                    "docs/embedding.md line " + block.line() + ": no source " + block.file() + " in this module");
            assertEquals(Files.readString(source, StandardCharsets.UTF_8), block.text(),
                    "docs/embedding.md line " + block.line() + " differs from " + block.file()
                            + ": copy the file into the guide again");
        }
    }

    @Test
    void everyEmbeddingClassIsInTheGuide() throws IOException {
        Set<String> shown = new TreeSet<>();
        for (Block block : blocks()) {
            if (block.file() != null) {
                shown.add(block.file());
            }
        }
        try (Stream<Path> files = Files.list(EMBEDDING_SOURCES)) {
            for (Path file : files.toList()) {
                String relative = ROOT.relativize(file).toString().replace('\\', '/');
                assertTrue(shown.contains(relative), relative + " is not shown in docs/embedding.md");
            }
        }
    }

    /** The dependencies it lists are modules of this build, at the build's version, and the build's SLF4J. */
    @Test
    void theMavenCoordinatesAreTheBuilds() throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
        String version = first(pom, "<artifactId>meteo-parent</artifactId>\\s*<version>([^<]+)</version>");
        String slf4j = first(pom, "<slf4j.version>([^<]+)</slf4j.version>");
        Pattern dependency = Pattern.compile("<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>[^<]*"
                + "(?:<!--[^>]*-->\\s*)?<version>([^<]+)</version>");
        int checked = 0;
        for (Block block : blocks()) {
            if (!block.info().equals("xml")) {
                continue;
            }
            Matcher m = dependency.matcher(block.text());
            while (m.find()) {
                checked++;
                if (m.group(1).equals("dev.meteo")) {
                    assertTrue(pom.contains("<module>" + m.group(2) + "</module>"), m.group(2) + " is no module of the build");
                    assertEquals(version, m.group(3), m.group(2) + "'s version");
                } else if (m.group(1).equals("org.slf4j")) {
                    assertEquals(slf4j, m.group(3), m.group(2) + "'s version");
                }
            }
        }
        assertTrue(checked >= 3, "no Maven dependencies found in docs/embedding.md");
    }

    private static String first(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " not found in pom.xml");
        return m.group(1);
    }
}
