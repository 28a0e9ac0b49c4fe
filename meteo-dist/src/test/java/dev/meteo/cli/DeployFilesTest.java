package dev.meteo.cli;

import dev.meteo.cli.dashboard.JsonlFileSink;
import dev.meteo.cli.options.EnvironmentDefaults;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
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
import java.util.TreeSet;
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
 * file parses (SnakeYAML); every {@code meteo} command line of the image, the compose file, the Kubernetes manifests
 * and the command lines of deploy/'s READMEs names a real subcommand and real flags, and every {@code METEO_*}
 * variable in deploy/ is an option's, read against picocli's model of the real {@link Meteo} command; and the facts
 * that make the files run: one mode switch in compose, the image's user owning the pods' volumes, every terminal
 * writing to a volume. The image itself is checked by {@link ImageLayoutTest} (profile {@code image}), the schemas by
 * deploy/check/validate.mjs (deploy/README.md, "What was checked here").
 */
class DeployFilesTest {

    private static final Path DEPLOY = Path.of("").toAbsolutePath().getParent().resolve("deploy");
    private static final Path POM = Path.of("pom.xml").toAbsolutePath();
    private static final CommandLine METEO = Meteo.commandLine();

    /** One way a deploy file runs the launcher: its arguments, and the environment variables it gets. */
    private record Invocation(String where, List<String> args, Set<String> environment) {
        String subcommand() {
            return args.isEmpty() || args.get(0).startsWith("-") ? "" : args.get(0);
        }

        /** The value of {@code --name VALUE} or {@code --name=VALUE}, or null. */
        String option(String name) {
            for (int i = 0; i < args.size(); i++) {
                if (args.get(i).equals(name) && i + 1 < args.size()) {
                    return args.get(i + 1);
                }
                if (args.get(i).startsWith(name + "=")) {
                    return args.get(i).substring(name.length() + 1);
                }
            }
            return null;
        }
    }

    /** The text files of deploy/, without the check's installed packages. */
    private static List<Path> deployFiles() throws IOException {
        try (Stream<Path> files = Files.walk(DEPLOY)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> !DEPLOY.relativize(file).toString().contains("node_modules"))
                    .filter(file -> !file.getFileName().toString().equals("package-lock.json"))
                    .sorted().toList();
        }
    }

    private static List<Path> yamlFiles() throws IOException {
        return deployFiles().stream()
                .filter(file -> file.toString().endsWith(".yaml") || file.toString().endsWith(".yml")).toList();
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
    void everyMeteoInvocationUsesARealSubcommandAndRealFlags() throws Exception {
        List<Invocation> image = List.of(image());
        List<Invocation> compose = compose();
        List<Invocation> kubernetes = kubernetes();
        List<Invocation> readme = commandLines(DEPLOY.resolve("README.md"));
        List<Invocation> netns = commandLines(DEPLOY.resolve("netns/README.md"));
        assertEquals(6, compose.size(), "6 compose services: " + compose);
        assertEquals(7, kubernetes.size(), "7 Kubernetes workloads: " + kubernetes);
        assertTrue(readme.size() >= 3, "docker run and kubectl exec in deploy/README.md: " + readme);
        assertTrue(netns.size() >= 7, "every role in deploy/netns/README.md: " + netns);

        List<String> problems = new ArrayList<>();
        for (List<Invocation> source : List.of(image, compose, kubernetes, readme, netns)) {
            for (Invocation invocation : source) {
                problems.addAll(unknownFlags(invocation));
            }
        }
        assertEquals(List.of(), problems);
    }

    private static List<String> unknownFlags(Invocation invocation) {
        List<String> problems = new ArrayList<>();
        CommandSpec command = METEO.getCommandSpec();
        List<String> args = invocation.args();
        if (!invocation.subcommand().isEmpty()) {
            CommandLine subcommand = METEO.getSubcommands().get(invocation.subcommand());
            if (subcommand == null) {
                return List.of(invocation.where() + ": no subcommand '" + invocation.subcommand() + "'");
            }
            command = subcommand.getCommandSpec();
            args = args.subList(1, args.size());
        }
        for (String arg : args) {
            if (arg.startsWith("-") && !arg.matches("-?[0-9.]+")) {
                String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                if (command.findOption(name) == null) {
                    problems.add(invocation.where() + ": 'meteo " + command.name() + "' has no option " + name);
                }
            }
        }
        for (String variable : invocation.environment()) {
            if (variable.startsWith("METEO_") && !optionVariables().contains(variable)) {
                problems.add(invocation.where() + ": " + variable + " is no option's variable");
            }
        }
        return problems;
    }

    /** Every {@code METEO_X} written anywhere in deploy/ (files, comments, READMEs) is a variable something reads. */
    @Test
    void everyMeteoVariableInDeployIsAnOptionsVariable() throws IOException {
        // meteo-netns reads two of its own (${METEO_NETNS_NAME:-meteo}); METEO_CONFIG names the launcher's config file
        Set<String> known = new TreeSet<>(optionVariables());
        known.add("METEO_CONFIG");
        Matcher ownVariable = Pattern.compile("\\$\\{(METEO_[A-Z0-9_]+):-").matcher(
                Files.readString(DEPLOY.resolve("netns/meteo-netns")));
        while (ownVariable.find()) {
            known.add(ownVariable.group(1));
        }
        Pattern variable = Pattern.compile("\\bMETEO_[A-Z0-9_]+\\b");
        Set<String> seen = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (Path file : deployFiles()) {
            Matcher matcher = variable.matcher(Files.readString(file));
            while (matcher.find()) {
                seen.add(matcher.group());
                if (!known.contains(matcher.group())) {
                    problems.add(DEPLOY.relativize(file) + ": " + matcher.group() + " is read by nothing");
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(seen.size() >= 15, "the variables of compose, the ConfigMap, the Secrets, the READMEs: " + seen);
    }

    /** The mode is COMPOSE_PROFILES: the profile that starts the load balancer or RabbitMQ is every role's mode. */
    @Test
    @SuppressWarnings("unchecked")
    void composeHasOneSwitchForTheMode() throws IOException {
        Map<String, Object> services = (Map<String, Object>) ((Map<String, Object>) new Yaml()
                .load(Files.readString(DEPLOY.resolve("compose.yaml")))).get("services");
        Map<String, List<String>> profiles = new LinkedHashMap<>();
        services.forEach((name, service) -> {
            Map<String, Object> definition = (Map<String, Object>) service;
            if (definition.containsKey("profiles")) {
                profiles.put(name, (List<String>) definition.get("profiles"));
            }
            assertFalse(definition.containsKey("build"), name + ": the image is built by jib, not by compose");
            if (String.valueOf(definition.get("image")).startsWith("meteo:")) {
                Object mode = ((Map<String, Object>) definition.get("environment")).get("METEO_MODE");
                assertTrue(String.valueOf(mode).matches("\\$\\{COMPOSE_PROFILES:\\?.+}"),
                        name + ": METEO_MODE is COMPOSE_PROFILES, required: " + mode);
            }
        });
        assertEquals(Map.of("lb", List.of("grpc"), "rabbitmq", List.of("rabbit")), profiles);
    }

    /** The image runs as 10001:10001 (jib's {@code <user>}); every pod runs as it and its volumes belong to its group. */
    @Test
    @SuppressWarnings("unchecked")
    void everyPodRunsAsTheImagesUserAndOwnsItsVolumes() throws Exception {
        String[] user = jib("container/user").get(0).split(":");
        assertEquals(2, user.length, "uid:gid");
        for (Map<String, Object> workload : workloads()) {
            Map<String, Object> pod = podSpec(workload);
            Map<String, Object> security = (Map<String, Object>) pod.getOrDefault("securityContext", Map.of());
            String where = workload.get("kind") + " " + ((Map<String, Object>) workload.get("metadata")).get("name");
            assertEquals(user[0], String.valueOf(security.get("runAsUser")), where + " runAsUser");
            assertEquals(user[1], String.valueOf(security.get("runAsGroup")), where + " runAsGroup");
            assertEquals(user[1], String.valueOf(security.get("fsGroup")), where + " fsGroup");
        }
        assertEquals(List.of("/data"), jib("container/workingDirectory"));
        assertEquals(List.of("777"), jib("extraDirectories/permissions/permission[file='/data']/mode"));
    }

    /** A terminal's file outlives its container: --data-dir is a volume, in compose and in Kubernetes. */
    @Test
    @SuppressWarnings("unchecked")
    void everyTerminalWritesToAVolume() throws IOException {
        Map<String, Object> terminal = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) new Yaml()
                .load(Files.readString(DEPLOY.resolve("compose.yaml")))).get("services")).get("terminal");
        String dataDir = invocation("compose.yaml service terminal", (List<String>) terminal.get("command"), Set.of())
                .option("--data-dir");
        assertTrue(((List<String>) terminal.get("volumes")).stream().anyMatch(volume -> volume.endsWith(":" + dataDir)),
                "compose terminal: a volume at " + dataDir + ": " + terminal.get("volumes"));

        List<Map<String, Object>> statefulSets = workloads().stream()
                .filter(workload -> workload.get("kind").equals("StatefulSet")).toList();
        Map<String, Object> terminals = statefulSets.stream()
                .filter(set -> ((Map<String, Object>) set.get("metadata")).get("name").equals("meteo-terminal"))
                .findFirst().orElseThrow();
        Map<String, Object> container = ((List<Map<String, Object>>) podSpec(terminals).get("containers")).get(0);
        String podDataDir = invocation("meteo-terminal", (List<String>) container.get("args"), Set.of()).option("--data-dir");
        Set<String> claims = new LinkedHashSet<>();
        for (Map<String, Object> claim : (List<Map<String, Object>>) ((Map<String, Object>) terminals.get("spec"))
                .getOrDefault("volumeClaimTemplates", List.of())) {
            claims.add(String.valueOf(((Map<String, Object>) claim.get("metadata")).get("name")));
        }
        assertTrue(((List<Map<String, Object>>) container.get("volumeMounts")).stream()
                        .anyMatch(mount -> mount.get("mountPath").equals(podDataDir) && claims.contains(mount.get("name"))),
                "meteo-terminal: a volume claim mounted at " + podDataDir + ": " + container.get("volumeMounts"));
    }

    /** A terminal's file is terminal-ID.jsonl: an id that starts with "terminal-" would make terminal-terminal-1.jsonl. */
    @Test
    void noTerminalIdDoublesTheFilesPrefix() throws Exception {
        List<Invocation> invocations = new ArrayList<>(compose());
        invocations.addAll(kubernetes());
        invocations.addAll(commandLines(DEPLOY.resolve("netns/README.md")));
        List<String> ids = new ArrayList<>();
        for (Invocation invocation : invocations) {
            String id = invocation.option("--id");
            if (invocation.subcommand().equals("terminal") && id != null) {
                // a StatefulSet's pods are named after it: meteo-terminal-0, -1, ...
                String resolved = id.replace("$(POD_NAME)", invocation.where().replaceFirst(".* ", "") + "-0");
                if (resolved.contains("$")) {
                    continue; // a shell variable of a README's loop (netns: term1, term2)
                }
                String file = JsonlFileSink.file(Path.of("/data"), resolved).getFileName().toString();
                assertFalse(file.startsWith("terminal-terminal-"), invocation.where() + " writes " + file);
                ids.add(resolved);
            }
        }
        assertEquals(List.of("1", "meteo-terminal-0"), ids);
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

    /** The values at {@code path} under the jib plugin's configuration in meteo-dist's profile {@code image}. */
    private static List<String> jib(String path) throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(POM.toFile());
        NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(
                "/project/profiles/profile[id='image']/build/plugins/plugin[artifactId='jib-maven-plugin']/configuration/"
                        + path, pom, XPathConstants.NODESET);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            values.add(nodes.item(i).getTextContent().strip());
        }
        assertFalse(values.isEmpty(), "meteo-dist/pom.xml, profile image, jib: " + path);
        return values;
    }

    /** The image's command, the arguments a container gets when it is given none. */
    private static Invocation image() throws Exception {
        return new Invocation("the image's command (jib <args>)", jib("container/args/arg"), Set.of());
    }

    private static Invocation invocation(String where, List<String> args, Set<String> environment) {
        assertTrue(args != null && !args.isEmpty(), where + " runs the launcher with arguments");
        return new Invocation(where, args, environment);
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
                invocations.add(invocation("compose.yaml service " + name, (List<String>) service.get("command"),
                        environment.keySet()));
            }
        });
        return invocations;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> workloads() throws IOException {
        List<Map<String, Object>> workloads = new ArrayList<>();
        for (Map<String, Object> object : kubernetesObjects()) {
            if (object.get("kind").equals("Deployment") || object.get("kind").equals("StatefulSet")) {
                workloads.add(object);
            }
        }
        return workloads;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> kubernetesObjects() throws IOException {
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Path file : yamlFiles()) {
            if (file.startsWith(DEPLOY.resolve("kubernetes")) && !file.endsWith("kustomization.yaml")) {
                for (Object document : documents(file)) {
                    objects.add((Map<String, Object>) document);
                }
            }
        }
        return objects;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> podSpec(Map<String, Object> workload) {
        return (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) workload.get("spec"))
                .get("template")).get("spec");
    }

    @SuppressWarnings("unchecked")
    private static List<Invocation> kubernetes() throws IOException {
        Map<String, Set<String>> sources = new LinkedHashMap<>(); // ConfigMap and Secret names -> their keys
        for (Map<String, Object> object : kubernetesObjects()) {
            String kind = String.valueOf(object.get("kind"));
            if (kind.equals("ConfigMap") || kind.equals("Secret")) {
                Set<String> keys = new LinkedHashSet<>();
                for (String field : List.of("data", "stringData")) {
                    keys.addAll(((Map<String, Object>) object.getOrDefault(field, Map.of())).keySet());
                }
                sources.put(String.valueOf(((Map<String, Object>) object.get("metadata")).get("name")), keys);
            }
        }
        List<Invocation> invocations = new ArrayList<>();
        for (Map<String, Object> workload : workloads()) {
            for (Map<String, Object> container : (List<Map<String, Object>>) podSpec(workload).get("containers")) {
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
                invocations.add(invocation(where, (List<String>) container.get("args"), environment));
            }
        }
        return invocations;
    }

    /**
     * The launcher's command lines in the bash blocks of a README: after {@code java -jar .../meteo.jar}, {@code java
     * ... dev.meteo.cli.Meteo}, {@code $M} (netns/README.md's name for the former) or {@code docker run ... meteo:TAG},
     * up to the end of the command; with the variables {@code docker run -e} gives.
     */
    private static List<Invocation> commandLines(Path readme) throws IOException {
        List<Invocation> invocations = new ArrayList<>();
        Matcher blocks = Pattern.compile("(?ms)^```bash\\n(.*?)^```").matcher(Files.readString(readme));
        while (blocks.find()) {
            String block = blocks.group(1).replace("\\\n", " ");
            int lineNumber = 0;
            for (String line : block.split("\n")) {
                lineNumber++;
                String command = line.replaceAll("\\$\\([^)]*\\)", "VALUE").replaceFirst("(^|\\s)#.*", "");
                List<String> words = List.of(command.strip().split("\\s+"));
                for (int i = 0; i < words.size(); i++) {
                    String word = words.get(i);
                    boolean docker = words.subList(0, i).contains("run") && words.contains("docker")
                            && word.matches("([\\w.-]+/)?meteo:[\\w.-]+");
                    boolean launcher = word.equals("$M") || word.equals(Meteo.class.getName())
                            || (word.endsWith("meteo.jar") && i > 0 && words.get(i - 1).equals("-jar"));
                    if (!docker && !launcher) {
                        continue;
                    }
                    List<String> args = new ArrayList<>();
                    for (String arg : words.subList(i + 1, words.size())) {
                        if (arg.matches("&&?|;|\\|\\|?|>.*|<.*|2>.*|\\)")) {
                            break;
                        }
                        args.add(arg.replaceAll("^['\"]|['\"]$", ""));
                    }
                    Set<String> environment = new LinkedHashSet<>();
                    for (int j = 0; docker && j < i; j++) {
                        if (words.get(j).equals("-e") && j + 1 < i) {
                            environment.add(words.get(j + 1).replaceFirst("=.*", ""));
                        }
                    }
                    invocations.add(new Invocation(DEPLOY.getParent().relativize(readme) + " block line " + lineNumber
                            + ": " + line.strip(), args, environment));
                    break;
                }
            }
        }
        return invocations;
    }

    /** Where kubectl is at hand, the manifests also render as one kustomization, offline, with the registry's image. */
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
        List<String> images = rendered.lines().filter(line -> line.strip().startsWith("image: ")).distinct().toList();
        assertEquals(1, images.size(), "one image for every role: " + images);
        assertFalse(images.get(0).contains(" meteo:"), "the cluster pulls the image from a registry: " + images);
    }
}
