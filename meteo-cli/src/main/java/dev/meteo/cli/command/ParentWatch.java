package dev.meteo.cli.command;

import dev.meteo.internal.DaemonThreadFactory;
import java.io.IOException;
import java.io.InputStream;

/**
 * Ties a child process's life to its parent's (the demo): the parent keeps a pipe to the child's stdin open, and
 * when the parent dies, even by SIGKILL, the pipe closes, the child reads end-of-file and exits through its shutdown
 * hooks. The child also ignores SIGINT, so that Ctrl-C in the demo's terminal reaches only the demo, which then stops
 * its children in order.
 */
public final class ParentWatch {

    private ParentWatch() {
    }

    public static void install() {
        ignoreInterrupt();
        DaemonThreadFactory.start("parent-watch", () -> {
            InputStream in = System.in;
            try {
                while (in.read() != -1) {
                    // the parent never writes; anything read is ignored
                }
            } catch (IOException e) {
                // a broken pipe means the same as end-of-file
            }
            System.exit(0);
        });
    }

    @SuppressWarnings("removal")
    private static void ignoreInterrupt() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), sun.misc.SignalHandler.SIG_IGN);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // no SIGINT on this platform: nothing to ignore
        }
    }
}
