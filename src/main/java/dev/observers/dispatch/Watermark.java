package dev.observers.dispatch;

import dev.observers.checkpoint.Position;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * The completion low-watermark. Events are registered in log order and complete in any order; the
 * safe position is the last one before which every registered event has completed, so a checkpoint
 * there never skips unfinished work.
 */
public final class Watermark {

    private final ArrayDeque<Position> pending = new ArrayDeque<>();
    private final Set<Position> completedEarly = new HashSet<>();
    private Position safe;

    public Watermark(Position start) {
        this.safe = start;
    }

    /** Registers the next event in log order; positions must increase. */
    public synchronized void register(Position position) {
        Position last = pending.isEmpty() ? safe : pending.peekLast();
        if (!position.isAfter(last)) {
            throw new IllegalArgumentException("positions must be registered in log order: " + position + " after " + last);
        }
        pending.addLast(position);
    }

    /** Marks a registered event complete (succeeded, dead-lettered, or matched nothing). */
    public synchronized void complete(Position position) {
        if (position.equals(pending.peekFirst())) {
            pending.pollFirst();
            safe = position;
            while (!pending.isEmpty() && completedEarly.remove(pending.peekFirst())) {
                safe = pending.pollFirst();
            }
        } else {
            completedEarly.add(position);
        }
    }

    /** Everything at or before this position is complete. */
    public synchronized Position safe() {
        return safe;
    }

    /** Registered events not yet complete. */
    public synchronized int inFlight() {
        return pending.size() - completedEarly.size();
    }
}
