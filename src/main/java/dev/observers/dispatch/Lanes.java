package dev.observers.dispatch;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Ordered lanes: work items with the same key run one at a time, in submission order; items with
 * different keys run in parallel. A slow or failing key holds back only its own lane.
 *
 * @param <T> the work item
 */
public final class Lanes<T> {

    private final Map<String, ArrayDeque<T>> waiting = new HashMap<>();
    private final Consumer<T> start;

    /** @param start called (outside any lock) when an item may run; it must eventually call {@link #done}. */
    public Lanes(Consumer<T> start) {
        this.start = start;
    }

    public void submit(String key, T item) {
        boolean runNow;
        synchronized (this) {
            ArrayDeque<T> lane = waiting.get(key);
            if (lane == null) {
                waiting.put(key, new ArrayDeque<>());
                runNow = true;
            } else {
                lane.addLast(item);
                runNow = false;
            }
        }
        if (runNow) {
            start.accept(item);
        }
    }

    /**
     * Claims {@code key}'s lane for an item the caller runs itself, when nothing of that key is running or
     * waiting; the caller then calls {@link #done} as for a started item. False when the lane is busy.
     */
    public synchronized boolean enterIfIdle(String key) {
        if (waiting.containsKey(key)) {
            return false;
        }
        waiting.put(key, new ArrayDeque<>());
        return true;
    }

    /** The running item of {@code key} finished; starts the next one of that lane, if any. */
    public void done(String key) {
        T next;
        synchronized (this) {
            ArrayDeque<T> lane = waiting.get(key);
            if (lane == null) {
                throw new IllegalStateException("no running item for lane " + key);
            }
            next = lane.pollFirst();
            if (next == null) {
                waiting.remove(key);
            }
        }
        if (next != null) {
            start.accept(next);
        }
    }

    /** Keys with a running item. */
    public synchronized int activeLanes() {
        return waiting.size();
    }
}
