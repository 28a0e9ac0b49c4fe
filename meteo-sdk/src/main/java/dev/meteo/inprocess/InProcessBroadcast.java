package dev.meteo.inprocess;

import dev.meteo.model.WindowResult;
import dev.meteo.terminal.Terminal;
import dev.meteo.window.WindowResultPublisher;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The in-process result path: every window result goes to every {@link Terminal} of the same JVM. */
public final class InProcessBroadcast implements WindowResultPublisher {

    private final List<Terminal> terminals = new CopyOnWriteArrayList<>();

    public InProcessBroadcast add(Terminal terminal) {
        terminals.add(terminal);
        return this;
    }

    public void remove(Terminal terminal) {
        terminals.remove(terminal);
    }

    @Override
    public void publish(WindowResult result) {
        for (Terminal terminal : terminals) {
            terminal.deliver(result);
        }
    }
}
