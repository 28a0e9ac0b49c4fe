package dev.meteo.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The realistic results fixture (the schema meteo bench writes) and the module's real files. */
final class Fixtures {
    static final Path REPORT_DIR = Path.of("").toAbsolutePath(); // surefire runs in the module's directory: report/
    static final Path REAL_REPORT = REPORT_DIR.resolve("meteo-report.md");

    private Fixtures() {
    }

    static String resource(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BenchResults bench() {
        return BenchResults.parse(resource("bench-fixture.json"), "bench-fixture.json");
    }
}
