package dev.meteo.cli.command;

import dev.meteo.cli.Launcher;
import dev.meteo.cli.Meteo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --help} prints the defaults, which come from {@code METEO_*} variables and the config file: it must show
 * where Redis and the broker are without their passwords, and no token, in every command.
 */
class HelpWithoutSecretsTest {

    private static final String SECRET = "s3cret";

    @TempDir
    Path dir;

    private static Map<String, String> secretsInTheEnvironment() {
        Map<String, String> environment = new HashMap<>();
        environment.put("METEO_REDIS_URI", "redis-sentinel://:" + SECRET + "-redis@h1:26379,h2:26379/mymaster");
        environment.put("METEO_RABBIT_URI", "amqp://meteo:" + SECRET + "-rabbit@rabbit.example:5672/");
        environment.put("METEO_HTTP_TOKEN", SECRET + "-token");
        return environment;
    }

    @Test
    void noCommandsHelpShowsAPasswordOrTokenFromTheEnvironment() {
        List<String> commands = new ArrayList<>(new Launcher(Map.of()).commandLine.getSubcommands().keySet());
        assertTrue(commands.containsAll(List.of("proxy", "server", "terminal", "status", "demo", "lb", "sensor")), commands.toString());
        for (String command : commands) {
            for (String[] args : List.of(new String[]{command, "--help"}, new String[]{"help", command})) {
                Launcher launcher = new Launcher(secretsInTheEnvironment());
                launcher.execute(args);
                String printed = launcher.out() + launcher.err();
                assertFalse(printed.contains(SECRET), String.join(" ", args) + " printed a secret:\n" + printed);
            }
        }
    }

    @Test
    void theHelpStillSaysWhereRedisIsWithThePasswordMasked() {
        Launcher launcher = new Launcher(secretsInTheEnvironment());
        assertEquals(0, launcher.execute("proxy", "--help"));
        String help = launcher.out().replaceAll("\\s+", "");
        assertTrue(help.contains("redis-sentinel://***@h1:26379,h2:26379/mymaster"), launcher.out());
    }

    @Test
    void aSecretFromTheConfigFileIsMaskedToo() throws Exception {
        Path config = dir.resolve("meteo.properties");
        Files.writeString(config, "redis-uri=redis://meteo:" + SECRET + "@10.0.0.1:6379/0\nhttp-token=" + SECRET + "\n");
        Launcher launcher = new Launcher(Map.of("METEO_CONFIG", config.toString()));
        launcher.execute("terminal", "--help");
        assertFalse(launcher.out().contains(SECRET), launcher.out());
        assertTrue(launcher.out().replaceAll("\\s+", "").contains("redis://***@10.0.0.1:6379/0"), launcher.out());
    }

    @Test
    void theLauncherProcessStartedWithTheVariableKeepsThePasswordOutOfItsHelp() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Meteo.class.getName(), "proxy", "--help");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("help.txt").toFile());
        builder.environment().putAll(secretsInTheEnvironment());
        Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        String help = Files.readString(dir.resolve("help.txt"));
        assertEquals(0, process.exitValue(), help);
        assertTrue(help.contains("--redis-uri"), help);
        assertFalse(help.contains(SECRET), help);
    }
}
