package dev.meteo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The launcher's container image as jib wrote it (meteo-dist's profile {@code image}, {@code jib-image.tar}): what a
 * container started from it gets, read from the tarball without a container runtime. Runs in that profile only
 * ({@code mvn -Pimage -pl meteo-dist -am verify -DskipTests}), which names the tarball in {@code meteo.image.tar};
 * skipped in the normal build, which makes no image.
 */
class ImageLayoutTest {

    /** uid and gid the roles run as; deploy/kubernetes sets the same in every pod's securityContext. */
    private static final String USER = "10001:10001";

    private static JsonNode manifest;
    private static JsonNode config;
    /** Every entry of every layer, the later layers over the earlier: path (no leading '/') to entry. */
    private static Map<String, TarEntry> files;

    private record TarEntry(String path, int mode, char type, byte[] content) {
        boolean isDirectory() {
            return type == '5';
        }
    }

    @BeforeAll
    static void readTheTarball() throws IOException {
        String tar = System.getProperty("meteo.image.tar");
        assumeTrue(tar != null, "no image built: run with -Pimage (mvn -Pimage -pl meteo-dist -am verify -DskipTests)");
        Map<String, TarEntry> outer = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(Path.of(tar))) {
            for (TarEntry entry : entries(in)) {
                outer.put(entry.path(), entry);
            }
        }
        ObjectMapper json = new ObjectMapper();
        manifest = json.readTree(outer.get("manifest.json").content()).get(0);
        config = json.readTree(outer.get(manifest.get("Config").asText()).content());
        files = new LinkedHashMap<>();
        for (JsonNode layer : manifest.get("Layers")) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(outer.get(layer.asText()).content()))) {
                for (TarEntry entry : entries(in)) {
                    files.put(entry.path().replaceFirst("^\\./", "").replaceFirst("/$", ""), entry);
                }
            }
        }
    }

    @Test
    void theTarballCarriesTheImageNameTheDeployFilesUse() {
        String expected = System.getProperty("meteo.image", "meteo:0.1.0");
        assertEquals(expected, manifest.get("RepoTags").get(0).asText(), manifest.toString());
    }

    @Test
    void theRolesRunAsUid10001NotRoot() {
        assertEquals(USER, config.get("config").get("User").asText());
    }

    @Test
    void theEntrypointStartsTheLauncherAndTheDefaultCommandIsHelp() {
        JsonNode entrypoint = config.get("config").get("Entrypoint");
        assertEquals("java", entrypoint.get(0).asText(), entrypoint.toString());
        assertEquals(Meteo.class.getName(), entrypoint.get(entrypoint.size() - 1).asText(), entrypoint.toString());
        assertEquals("[\"--help\"]", config.get("config").get("Cmd").toString());
    }

    @Test
    void everyEntryOfTheClasspathIsInTheImage() {
        List<String> entrypoint = new ArrayList<>();
        config.get("config").get("Entrypoint").forEach(arg -> entrypoint.add(arg.asText()));
        String classpathArg = entrypoint.get(entrypoint.indexOf("-cp") + 1);
        assertTrue(classpathArg.startsWith("@/"), "jib's classpath file: " + entrypoint);
        TarEntry classpathFile = files.get(classpathArg.substring(2));
        assertNotNull(classpathFile, classpathArg + " is in no layer");
        String[] classpath = new String(classpathFile.content(), StandardCharsets.UTF_8).strip().split(":");
        assertTrue(classpath.length > 20, "the launcher's dependencies: " + String.join(":", classpath));
        for (String entry : classpath) {
            String path = entry.replaceFirst("^/", "").replaceFirst("/?\\*?$", "");
            assertTrue(files.containsKey(path), entry + " of the classpath is in no layer");
        }
        // the launcher (its main class) and the subcommands found through ServiceLoader come as jars of their modules
        for (String module : List.of("meteo-cli", "meteo-demo", "meteo-bench", "meteo-sdk-grpc")) {
            assertTrue(files.keySet().stream().anyMatch(path -> path.matches("app/libs/" + module + "-[0-9].*\\.jar")),
                    module + "'s jar is in the image");
        }
    }

    @Test
    void dataIsAnEmptyDirectoryUid10001CanWriteAndTheWorkingDirectory() {
        TarEntry data = files.get("data");
        assertNotNull(data, "/data is in no layer");
        assertTrue(data.isDirectory(), "/data is a directory");
        // jib writes every file as root; 0777 lets uid 10001 write, and a named volume mounted there copies the mode
        assertEquals(0777, data.mode() & 0777, "/data mode " + Integer.toOctalString(data.mode()));
        assertFalse(files.keySet().stream().anyMatch(path -> path.startsWith("data/")), "nothing under /data");
        assertEquals("/data", config.get("config").get("WorkingDir").asText());
    }

    @Test
    void thePortsTheRolesListenOnAreExposed() {
        JsonNode ports = config.get("config").get("ExposedPorts");
        for (int port : new int[] {7101, 7102, 7200, 7300, 8080, 9400}) {
            assertTrue(ports.has(port + "/tcp"), port + " in " + ports);
        }
    }

    /** The entries of a tar stream (ustar, with pax headers for long names), their content read whole. */
    private static List<TarEntry> entries(InputStream in) throws IOException {
        List<TarEntry> entries = new ArrayList<>();
        String paxPath = null;
        while (true) {
            byte[] header = in.readNBytes(512);
            if (header.length < 512) {
                throw new EOFException("tar stream ends inside a header");
            }
            if (header[0] == 0) {
                return entries; // the first of the two zero blocks that end an archive
            }
            String name = field(header, 0, 100);
            String prefix = field(header, 345, 155);
            int mode = (int) octal(header, 100, 8);
            long size = octal(header, 124, 12);
            char type = (char) (header[156] == 0 ? '0' : header[156]);
            byte[] content = in.readNBytes((int) size);
            in.readNBytes((int) ((512 - size % 512) % 512));
            if (type == 'x') {
                for (String record : new String(content, StandardCharsets.UTF_8).split("\n")) {
                    String keyValue = record.substring(record.indexOf(' ') + 1);
                    if (keyValue.startsWith("path=")) {
                        paxPath = keyValue.substring("path=".length());
                    }
                }
                continue;
            }
            String path = paxPath != null ? paxPath : prefix.isEmpty() ? name : prefix + "/" + name;
            paxPath = null;
            entries.add(new TarEntry(path, mode, type, content));
        }
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] header, int offset, int length) {
        String digits = field(header, offset, length).strip();
        return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
    }
}
