package dev.meteo.process;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A child started as {@link ChildProcess} starts one maps the class-data archive and reads the launcher's and the
 * libraries' classes from it: {@code -Xshare:on} makes the JVM refuse to start when it cannot map the archive, and
 * {@code -Xlog:class+load} says where each class came from.
 */
class SharedClassArchiveTest {

    @Test
    void aChildReadsTheLaunchersAndTheLibrariesClassesFromTheArchive() throws Exception {
        String classPath = System.getProperty("java.class.path");
        SharedClassArchive.Launch launch = SharedClassArchive.launch(classPath);
        assertNotNull(launch.archive(), "this module's tests run on jars of the modules below: " + classPath);
        assertTrue(Files.isRegularFile(launch.archive()));
        assertEquals(List.of(classPath.split(File.pathSeparator)).stream().sorted().toList(),
                List.of(launch.classPath().split(File.pathSeparator)).stream().sorted().toList(),
                "the same entries, the jars first");

        List<String> command = new ArrayList<>(List.of(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(ChildProcess.JVM_OPTIONS);
        command.addAll(launch.jvmOptions());
        command.addAll(List.of("-Xshare:on", "-Xlog:class+load=info", "-cp", launch.classPath(), ChildProcess.LAUNCHER,
                "sensor", "--help"));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(1, TimeUnit.MINUTES), "the child ended");
        assertEquals(0, child.exitValue(),
                out.lines().filter(line -> !line.contains("class,load")).toList().toString());
        // the launcher's classes are a jar when the build packaged meteo-cli (mvn verify), a directory when it did not
        boolean launcherInAJar = dev.meteo.cli.Meteo.class.getProtectionDomain().getCodeSource().getLocation().getPath()
                .endsWith(".jar");
        boolean launcherShared = out.lines()
                .anyMatch(line -> line.contains(" dev.meteo.cli.Meteo source: shared objects file"));
        assertEquals(launcherInAJar, launcherShared,
                "the launcher's class came from the archive when it is in a jar, from its directory when not");
        assertTrue(out.lines().anyMatch(line -> line.contains(" picocli.CommandLine source: shared objects file")),
                "a library's class came from the archive");
    }

    @Test
    void offStartsChildrenAsBeforeWithTheClassPathAsGiven() {
        String classPath = System.getProperty("java.class.path");
        System.setProperty("meteo.child.cds", "off");
        try {
            SharedClassArchive.Launch off = SharedClassArchive.launch(classPath + File.pathSeparator + "elsewhere.jar");
            assertEquals(null, off.archive());
            assertEquals(List.of(), off.jvmOptions());
            assertEquals(classPath + File.pathSeparator + "elsewhere.jar", off.classPath());
        } finally {
            System.clearProperty("meteo.child.cds");
        }
    }
}
