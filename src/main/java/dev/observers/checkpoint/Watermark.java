package dev.observers.checkpoint;

import java.util.ArrayDeque;

/**
 * The completion low-watermark of one cursor. Events are submitted in log order and acknowledged in
 * any order through the {@link Entry} each submission returns; the safe position is the last one
 * before which every submitted event has been acknowledged, so a checkpoint there never skips
 * unfinished work.
 */
public final class Watermark {

    /** One submitted event's completion handle; acknowledging it twice counts once. */
    public final class Entry {
        private final Position position;
        private boolean acked;

        private Entry(Position position) {
            this.position = position;
        }

        public Position position() {
            return position;
        }

        /** The event is finished for good (succeeded, dead-lettered, or matched nothing); false when it already was. */
        public boolean ack() {
            return acknowledge(this);
        }
    }

    private final ArrayDeque<Entry> pending = new ArrayDeque<>();
    private Position safe;
    private int acknowledgedEarly;

    public Watermark(Position start) {
        this.safe = start;
    }

    /** Submits the next event in log order; positions must increase. */
    public synchronized Entry submit(Position position) {
        Position last = pending.isEmpty() ? safe : pending.peekLast().position;
        if (!position.isAfter(last)) {
            throw new IllegalArgumentException("positions must be submitted in log order: " + position + " after " + last);
        }
        Entry entry = new Entry(position);
        pending.addLast(entry);
        return entry;
    }

    /**
     * Everything up to {@code position} that was not submitted needs no work here (rows of other
     * partitions): the safe position may pass it once the events submitted before it are done.
     */
    public synchronized void passed(Position position) {
        Position last = pending.isEmpty() ? safe : pending.peekLast().position;
        if (!position.isAfter(last)) {
            return;
        }
        if (pending.isEmpty()) {
            safe = position;
            return;
        }
        Entry done = new Entry(position);
        done.acked = true;
        pending.addLast(done);
        acknowledgedEarly++;
    }

    private synchronized boolean acknowledge(Entry entry) {
        if (entry.acked) {
            return false;
        }
        entry.acked = true;
        if (pending.peekFirst() != entry) {
            acknowledgedEarly++;
            return true;
        }
        pending.pollFirst();
        safe = entry.position;
        while (!pending.isEmpty() && pending.peekFirst().acked) {
            safe = pending.pollFirst().position;
            acknowledgedEarly--;
        }
        return true;
    }

    /** Everything at or before this position is complete. */
    public synchronized Position safe() {
        return safe;
    }

    /** Submitted events not yet acknowledged. */
    public synchronized int inFlight() {
        return pending.size() - acknowledgedEarly;
    }
}
