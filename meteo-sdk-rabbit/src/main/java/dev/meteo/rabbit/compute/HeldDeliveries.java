package dev.meteo.rabbit.compute;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The deliveries a consumer holds, by delivery tag, and which of them are stored. It says up to which tag one
 * {@code basic.ack(tag, multiple = true)} may go: the longest run of stored deliveries from the oldest held one, so
 * that a multiple ack never covers a record that is not stored yet. Records complete out of order (the store commits
 * in groups, a dead letter waits for its confirm), so a stored record may wait behind an older one still in progress.
 *
 * <p>A delivery settled another way (nacked back to the queue) is {@link #forget forgotten} once its nack is sent, so
 * it no longer holds the run back; a later multiple ack does not touch it, as the broker settled it already.
 * Thread-safe; the caller sends the ack under the same lock that orders its nacks, so an ack never overtakes a nack.
 */
final class HeldDeliveries {

    /** The tags up to which to ack (multiple), and how many deliveries that settles; {@code count == 0}: nothing. */
    record Ackable(long upToTag, int count) {
        static final Ackable NONE = new Ackable(0, 0);
    }

    /** Delivery tag -> stored. */
    private final TreeMap<Long, Boolean> held = new TreeMap<>();

    synchronized void delivered(long tag) {
        held.put(tag, Boolean.FALSE);
    }

    /** The record of {@code tag} is stored (or dead-lettered): it may be acknowledged. */
    synchronized void stored(long tag) {
        held.replace(tag, Boolean.TRUE);
    }

    /** The delivery was settled otherwise (nacked): it no longer holds back the ones after it. */
    synchronized void forget(long tag) {
        held.remove(tag);
    }

    /** Takes the run of stored deliveries from the oldest held one: ack them all with one multiple ack. */
    synchronized Ackable takeAckable() {
        long upTo = 0;
        int count = 0;
        for (Iterator<Map.Entry<Long, Boolean>> it = held.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Boolean> oldest = it.next();
            if (!oldest.getValue()) {
                break;
            }
            upTo = oldest.getKey();
            count++;
            it.remove();
        }
        return count == 0 ? Ackable.NONE : new Ackable(upTo, count);
    }

    /** Deliveries held: not yet acknowledged or nacked. */
    synchronized int size() {
        return held.size();
    }
}
