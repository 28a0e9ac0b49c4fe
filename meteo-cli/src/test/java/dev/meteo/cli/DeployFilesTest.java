package dev.meteo.cli;

import dev.meteo.cli.options.EnvironmentDefaults;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What can be checked here of deploy/, which cannot run on this machine (no container runtime, no cluster): every YAML
 * file parses (SnakeYAML), and every {@code meteo} invocation in the image, the compose file and the Kubernetes
 * manifests names a real subcommand and real flags, and every {@code METEO_*} variable they set is an option's, read
 * against picocli's model of the real {@link Meteo} command.
 */
class DeployFilesTest {

    private static final Path DEPLOY = Path.of("").toAbsolutePath().getParent().resolve("deploy");
    private static final CommandLine METEO = Meteo.commandLine();

    /** One way a deploy file runs the launcher: its arguments, and the environment variables it gets. */
    private record Invocation(String where, List<String> args, Set<String> environment) {
    }

    private static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> files = Files.walk(DEPLOY)) {
            return files.filter(file -> file.toString().endsWith(".yaml") || file.toString().endsWith(".yml")).sorted()
                    .toList();
        }
    }

    private static List<Object> documents(Path file) throws IOException {
        List<Object> documents = new ArrayList<>();
        new Yaml().loadAll(Files.readString(file)).forEach(documents::add);
        return documents;
    }

    @Test
    void everyYamlFileParses() throws IOException {
        List<Path> files = yamlFiles();
        assertTrue(files.size() >= 10, "compose, prometheus and the Kubernetes manifests: " + files);
        for (Path file : files) {
            List<Object> documents = documents(file); // throws on a syntax error, naming the line
            assertFalse(documents.isEmpty() || documents.contains(null), file + " has an empty document");
        }
    }

    @Test
    void everyMeteoInvocationUsesARealSubcommandAndRealFlags() throws IOException {
        List<Invocation> invocations = new ArrayList<>();
        invocations.add(dockerfile());
        invocations.addAll(compose());
        invocations.addAll(kubernetes());
        assertEquals(14, invocations.size(), "the image, 6 compose services, 7 Kubernetes workloads: " + invocations);

        List<String> problems = new ArrayList<>();
        Set<String> optionVariables = optionVariables();
        for (Invocation invocation : invocations) {
            CommandSpec command = METEO.getCommandSpec();
            List<String> args = invocation.args();
            int first = 0;
            if (!args.isEmpty() && !args.get(0).startsWith("-")) {
                CommandLine subcommand = METEO.getSubcommands().get(args.get(0));
                if (subcommand == null) {
                    problems.add(invocation.where() + ": no subcommand '" + args.get(0) + "'");
                    continue;
                }
                command = subcommand.getCommandSpec();
                first = 1;
            }
            for (String arg : args.subList(first, args.size())) {
                if (arg.startsWith("-") && !arg.matches("-?[0-9.]+")) {
                    String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                    if (command.findOption(name) == null) {
                        problems.add(invocation.where() + ": 'meteo " + command.name() + "' has no option " + name);
                    }
                }
            }
            for (String variable : invocation.environment()) {
                if (variable.startsWith("METEO_") && !variable.equals("METEO_CONFIG") && !optionVariables.contains(variable)) {
                    problems.add(invocation.where() + ": " + variable + " is no option's variable");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /** {@code METEO_<OPTION>} of every option of every subcommand, as {@link EnvironmentDefaults} reads them. */
    private static Set<String> optionVariables() {
        Set<String> variables = new LinkedHashSet<>();
        for (CommandLine subcommand : METEO.getSubcommands().values()) {
            for (OptionSpec option : subcommand.getCommandSpec().options()) {
                variables.add(EnvironmentDefaults.environmentVariable(option.longestName().replaceFirst("^-+", "")));
            }
        }
        return variables;
    }

    private static Invocation dockerfile() throws IOException {
        String text = Files.readString(DEPLOY.resolve("Dockerfile"));
        Matcher entrypoint = Pattern.compile("(?m)^ENTRYPOINT \\[(.*)]$").matcher(text);
        assertTrue(entrypoint.find() && entrypoint.group(1).endsWith("\"-jar\", \"/opt/meteo/meteo.jar\""), text);
        Matcher cmd = Pattern.compile("(?m)^CMD \\[(.*)]$").matcher(text);
        assertTrue(cmd.find(), text);
        List<String> args = Stream.of(cmd.group(1).split(",")).map(String::strip).map(a -> a.replace("\"", "")).toList();
        return new Invocation("Dockerfile CMD", args, Set.of());
    }

    @SuppressWarnings("unchecked")
    private static List<Invocation> compose() throws IOException {
        Map<String, Object> compose = (Map<String, Object>) new Yaml().load(Files.readString(DEPLOY.resolve("compose.yaml")));
        List<Invocation> invocations = new ArrayList<>();
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        services.forEach((name, value) -> {
            Map<String, Object> service = (Map<String, Object>) value;
            if (String.valueOf(service.get("image")).startsWith("meteo:")) {
                Map<String, Object> environment = (Map<String, Object>) service.getOrDefault("environment", Map.of());
                invocations.add(new Invocation("compose.yaml service " + name,
                        (List<String>) service.get("command"), environment.keySet()));
            }
        });
        return invocations;
    }

    @SuppressWarnings("unchecked")
    private static List<Invocation> kubernetes() throws IOException {
        Map<String, Set<String>> sources = new LinkedHashMap<>(); // ConfigMap and Secret names -> their keys
        List<Map<String, Object>> workloads = new ArrayList<>();
        for (Path file : yamlFiles()) {
            if (!file.startsWith(DEPLOY.resolve("kubernetes"))) {
                continue;
            }
            for (Object document : documents(file)) {
                Map<String, Object> object = (Map<String, Object>) document;
                String kind = String.valueOf(object.get("kind"));
                String name = String.valueOf(((Map<String, Object>) object.getOrDefault("metadata", Map.of())).get("name"));
                if (kind.equals("ConfigMap") || kind.equals("Secret")) {
                    Set<String> keys = new LinkedHashSet<>();
                    for (String field : List.of("data", "stringData")) {
                        keys.addAll(((Map<String, Object>) object.getOrDefault(field, Map.of())).keySet());
                    }
                    sources.put(name, keys);
                } else if (kind.equals("Deployment") || kind.equals("StatefulSet")) {
                    workloads.add(object);
                }
            }
        }
        List<Invocation> invocations = new ArrayList<>();
        for (Map<String, Object> workload : workloads) {
            Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                    workload.get("spec")).get("template")).get("spec");
            for (Map<String, Object> container : (List<Map<String, Object>>) pod.get("containers")) {
                if (!String.valueOf(container.get("image")).startsWith("meteo:")) {
                    continue;
                }
                Set<String> environment = new LinkedHashSet<>();
                for (Map<String, Object> variable : (List<Map<String, Object>>) container.getOrDefault("env", List.of())) {
                    environment.add(String.valueOf(variable.get("name")));
                }
                for (Map<String, Object> from : (List<Map<String, Object>>) container.getOrDefault("envFrom", List.of())) {
                    for (String reference : List.of("configMapRef", "secretRef")) {
                        if (from.containsKey(reference)) {
                            String name = String.valueOf(((Map<String, Object>) from.get(reference)).get("name"));
                            assertTrue(sources.containsKey(name), "envFrom " + name + " is defined in deploy/kubernetes");
                            environment.addAll(sources.get(name));
                        }
                    }
                }
                String where = workload.get("kind") + " " + ((Map<String, Object>) workload.get("metadata")).get("name");
                invocations.add(new Invocation(where, (List<String>) container.get("args"), environment));
            }
        }
        return invocations;
    }

    /** Where kubectl is at hand, the manifests also render as one kustomization, offline. */
    @Test
    void theKubernetesManifestsRenderWithKustomize() throws Exception {
        boolean kubectl = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(folder -> Files.isExecutable(Path.of(folder, "kubectl")));
        assumeTrue(kubectl, "kubectl is not on the PATH: the manifests are only parsed");
        Process kustomize = new ProcessBuilder("kubectl", "kustomize", DEPLOY.resolve("kubernetes").toString())
                .redirectErrorStream(true).start();
        String rendered = new String(kustomize.getInputStream().readAllBytes());
        assertTrue(kustomize.waitFor(60, TimeUnit.SECONDS), rendered);
        assertEquals(0, kustomize.exitValue(), rendered);
        long objects = rendered.lines().filter(line -> line.startsWith("kind: ")).count();
        assertEquals(17, objects, rendered);
    }
}
