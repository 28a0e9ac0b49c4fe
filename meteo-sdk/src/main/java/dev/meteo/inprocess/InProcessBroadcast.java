package dev.meteo.inprocess;

import dev.meteo.model.WindowResult;
import dev.meteo.terminal.Terminal;
import dev.meteo.terminal.WindowNotKeptException;
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

    /**
     * Delivers to every terminal, then throws the first {@link WindowNotKeptException} if a terminal could not keep
     * the window: the aggregator publishes it again and the terminals that took it drop the repeat.
     */
    @Override
    public void publish(WindowResult result) {
        WindowNotKeptException notKept = null;
        for (Terminal terminal : terminals) {
            try {
                terminal.deliver(result);
            } catch (WindowNotKeptException e) {
                notKept = notKept == null ? e : notKept;
            }
        }
        if (notKept != null) {
            throw notKept;
        }
    }
}
