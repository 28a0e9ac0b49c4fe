package dev.meteo.process;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A class-data-sharing archive (AppCDS) of the classes a role loads, dumped once per classpath and mapped by every
 * child JVM: a child then reads its classes already parsed and verified instead of loading them from the jars, which
 * saves about a quarter of a short demo's CPU ({@code report/results/child-cds/result.txt}) where the demo and the
 * test suite start hundreds of children on two CPUs.
 *
 * <p>The archive holds the classes of {@code role-classes.txt} ({@code meteo-processes/role-classes} writes it) that
 * the classpath's jars hold; the JVM maps it only while those jars are unchanged, so the archive's name is a digest of
 * their paths, sizes and times. Directories on the classpath (a module's own classes, in its tests) cannot be
 * archived: they go after the jars, which the JVM accepts. It lives in {@code <java.io.tmpdir>/meteo-cds/}, made under
 * a file lock, so the test forks of one build dump it once. {@code -Dmeteo.child.cds=off} or
 * {@code METEO_CHILD_CDS=off} turns it off; a dump that fails leaves the children as they were, with one line saying
 * why.
 */
final class SharedClassArchive {

    /** The classpath a child starts with, and the archive it maps ({@code null}: none). */
    record Launch(String classPath, Path archive) {

        /** The JVM options that map the archive. */
        List<String> jvmOptions() {
            return archive == null ? List.of() : List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto");
        }
    }

    private static final String CLASS_LIST = "role-classes.txt";
    private static final Map<String, Launch> BY_CLASS_PATH = new ConcurrentHashMap<>();

    private SharedClassArchive() {
    }

    /** How to start a child with {@code classPath}: with the archive when there can be one, else as given. */
    static Launch launch(String classPath) {
        Launch launch = BY_CLASS_PATH.computeIfAbsent(classPath, SharedClassArchive::prepare);
        if (launch.archive() != null && !Files.isRegularFile(launch.archive())) { // pruned by another build's dump
            BY_CLASS_PATH.remove(classPath, launch);
            launch = BY_CLASS_PATH.computeIfAbsent(classPath, SharedClassArchive::prepare);
        }
        return launch;
    }

    private static Launch prepare(String classPath) {
        Launch plain = new Launch(classPath, null);
        if ("off".equalsIgnoreCase(System.getProperty("meteo.child.cds", System.getenv("METEO_CHILD_CDS")))) {
            return plain;
        }
        List<String> jars = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            (entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry)) ? jars : others).add(entry);
        }
        if (jars.isEmpty()) {
            return plain;
        }
        try (InputStream list = SharedClassArchive.class.getResourceAsStream(CLASS_LIST)) {
            if (list == null) {
                return plain;
            }
            byte[] classes = list.readAllBytes();
            Path directory = Path.of(System.getProperty("java.io.tmpdir"), "meteo-cds");
            Files.createDirectories(directory);
            Path archive = directory.resolve(digest(jars, classes) + ".jsa");
            if (!Files.isRegularFile(archive)) {
                dump(directory, archive, jars, classes);
            }
            List<String> ordered = new ArrayList<>(jars);
            ordered.addAll(others);
            return new Launch(String.join(File.pathSeparator, ordered), archive);
        } catch (IOException | RuntimeException e) {
            System.err.println("child processes start without a class-data archive: " + e.getMessage());
            return plain;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return plain;
        }
    }

    /** Dumps the archive unless another JVM did while this one waited for the lock. */
    private static void dump(Path directory, Path archive, List<String> jars, byte[] classes)
            throws IOException, InterruptedException {
        try (FileChannel channel = FileChannel.open(directory.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = channel.lock()) {
            if (Files.isRegularFile(archive)) {
                return;
            }
            pruneOlderThan(directory, java.time.Duration.ofHours(6));
            Path classList = Files.createTempFile(directory, "classes", ".txt");
            Path partial = directory.resolve(archive.getFileName() + ".partial");
            Path log = directory.resolve(archive.getFileName() + ".log");
            try {
                Files.write(classList, classes);
                List<String> command = new ArrayList<>(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:dump"));
                command.addAll(ChildProcess.JVM_OPTIONS);
                command.addAll(List.of("-XX:SharedClassListFile=" + classList, "-XX:SharedArchiveFile=" + partial,
                        "-cp", String.join(File.pathSeparator, jars)));
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
                if (!process.waitFor(2, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new IOException("the dump took over 2 minutes (" + log + ")");
                }
                if (process.exitValue() != 0 || !Files.isRegularFile(partial)) {
                    throw new IOException("the dump failed, exit code " + process.exitValue() + " (" + log + ")");
                }
                Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
                Files.deleteIfExists(log);
            } finally {
                Files.deleteIfExists(classList);
                Files.deleteIfExists(partial);
            }
        }
    }

    /** Archives of earlier builds' jars (45 MB each), which no child can map any more once the jars are rebuilt. */
    private static void pruneOlderThan(Path directory, java.time.Duration age) throws IOException {
        long before = System.currentTimeMillis() - age.toMillis();
        try (var files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".jsa")).toList()) {
                if (Files.getLastModifiedTime(file).toMillis() < before) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** A name that changes when a jar, the class list or the JDK does: the JVM would refuse the archive then. */
    private static String digest(List<String> jars, byte[] classes) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((System.getProperty("java.home") + "\n" + System.getProperty("java.vm.version") + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            for (String jar : jars) {
                Path path = Path.of(jar).toAbsolutePath();
                sha.update((path + " " + Files.size(path) + " " + Files.getLastModifiedTime(path).toMillis() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            sha.update(classes);
            return HexFormat.of().formatHex(sha.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
