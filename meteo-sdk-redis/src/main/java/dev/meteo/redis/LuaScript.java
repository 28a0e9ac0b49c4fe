package dev.meteo.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A Lua script of the store, kept as a file beside this class ({@code lua/<name>.lua}), which declares in its first
 * lines what it touches, so that keys and arguments are named in one place, the script:
 * <pre>
 * --! keys: proxy:lease window:closed      (keys under the deployment's prefix, in KEYS order)
 * --! args: owner start                    (the first ARGV, by name; more may follow, read from ARGV)
 * --! include: now.lua fence.lua           (shared parts, inserted in this order)
 * </pre>
 * The script reads its keys as {@code K.<name>} ({@code :} becomes {@code _}: {@code K.window_closed}) and its
 * arguments as {@code A.<name>}; {@link #keys} builds the key list from the declared names.
 */
final class LuaScript {

    private final String name;
    private final String source;
    private final List<String> keyNames;
    private final List<String> argNames;

    private LuaScript(String name, String source, List<String> keyNames, List<String> argNames) {
        this.name = name;
        this.source = source;
        this.keyNames = keyNames;
        this.argNames = argNames;
    }

    /** Loads {@code lua/<name>.lua} and its includes from the class path. */
    static LuaScript load(String name) {
        List<String> keys = new ArrayList<>();
        List<String> args = new ArrayList<>();
        List<String> includes = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        for (String line : read(name + ".lua").split("\n", -1)) {
            if (line.startsWith("--! keys:")) {
                keys.addAll(words(line));
            } else if (line.startsWith("--! args:")) {
                args.addAll(words(line));
            } else if (line.startsWith("--! include:")) {
                includes.addAll(words(line));
            } else {
                body.append(line).append('\n');
            }
        }
        StringBuilder source = new StringBuilder("-- ").append(name).append(".lua\nlocal K, A = {}, {}\n");
        for (int i = 0; i < keys.size(); i++) {
            source.append("K['").append(keys.get(i).replace(':', '_')).append("'] = KEYS[").append(i + 1).append("]\n");
        }
        for (int i = 0; i < args.size(); i++) {
            source.append("A['").append(args.get(i)).append("'] = ARGV[").append(i + 1).append("]\n");
        }
        for (String include : includes) {
            source.append(read(include));
        }
        source.append(body);
        return new LuaScript(name, source.toString(), List.copyOf(keys), List.copyOf(args));
    }

    private static List<String> words(String declaration) {
        String list = declaration.substring(declaration.indexOf(':') + 1).strip();
        return list.isEmpty() ? List.of() : List.of(list.split("\\s+"));
    }

    private static String read(String file) {
        try (InputStream in = LuaScript.class.getResourceAsStream("lua/" + file)) {
            if (in == null) {
                throw new IllegalStateException("the store's script lua/" + file + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String name() {
        return name;
    }

    /** The script as sent to Redis: the declarations turned into {@code K} and {@code A}, the includes inlined. */
    String source() {
        return source;
    }

    /** The script's keys, in its declared order, each turned into a Redis key by {@code keyOf} (adds the prefix). */
    List<String> keys(UnaryOperator<String> keyOf) {
        return keyNames.stream().map(keyOf).toList();
    }

    /** How many named arguments come first. */
    int namedArgs() {
        return argNames.size();
    }

    @Override
    public String toString() {
        return name + ".lua";
    }
}
