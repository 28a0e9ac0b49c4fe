package dev.meteo.simulation;

import dev.meteo.model.WindowResult;
import dev.meteo.terminal.RecordingSink;
import dev.meteo.terminal.Terminal;
import dev.meteo.terminal.TerminalSink;

import java.util.List;

/**
 * A terminal in the simulation: the real {@link Terminal} behind the direct mode's delivery rule (a window that would
 * leave a gap is refused, with the position, so the proxy sends the missing ones first). What it kept survives a
 * crash, as the JSONL file does: the restarted instance starts from its last window.
 */
final class SimulatedTerminal {

    /** The terminal's file: every window it kept, in order, read back at a restart. */
    private static final class KeptWindows implements TerminalSink {
        private final RecordingSink windows;

        KeptWindows(RecordingSink windows) {
            this.windows = windows;
        }

        @Override
        public void accept(WindowResult result) {
            windows.accept(result);
        }

        @Override
        public long lastWindowEndMillis() {
            List<WindowResult> kept = windows.results();
            return kept.isEmpty() ? Long.MIN_VALUE : kept.get(kept.size() - 1).end().toEpochMilli();
        }
    }

    final String id;
    final RecordingSink kept = new RecordingSink();
    private Terminal terminal;
    private int incarnation;
    private long refusedGapEnd = Long.MIN_VALUE;

    SimulatedTerminal(String id) {
        this.id = id;
    }

    void start() {
        incarnation++;
        terminal = new Terminal(id, List.of(new KeptWindows(kept)));
        refusedGapEnd = Long.MIN_VALUE;
    }

    void crash() {
        incarnation++;
        terminal = null;
    }

    boolean down() {
        return terminal == null;
    }

    int incarnation() {
        return incarnation;
    }

    /** As a registration or a reply says it: the end of the last window held, 0 for none. */
    long lastEndMillis() {
        return terminal == null ? 0 : Math.max(0, terminal.lastEndMillis());
    }

    /**
     * One call from a proxy; returns the position the reply carries. A window that would leave a gap is refused, so
     * that the proxy sends the missing ones first, and taken only when the proxy has none to send: it says it sends
     * from this terminal's position ({@code sentAfterMillis}, 0 when it does not know it). With
     * {@code takeGapOnSecondOffer}, as {@code GrpcTerminalServer} does today: refused once, taken when offered again
     * right after, whether or not the proxy saw the refusal.
     */
    long receive(WindowResult result, long sentAfterMillis, boolean takeGapOnSecondOffer) {
        boolean refuse;
        if (takeGapOnSecondOffer) {
            long end = result.end().toEpochMilli();
            refuse = terminal.wouldLeaveGap(result) && refusedGapEnd != end;
            refusedGapEnd = refuse ? end : Long.MIN_VALUE;
        } else {
            refuse = terminal.wouldLeaveGap(result) && (sentAfterMillis == 0 || sentAfterMillis != lastEndMillis());
        }
        if (!refuse) {
            terminal.deliver(result);
        }
        return lastEndMillis();
    }
}
