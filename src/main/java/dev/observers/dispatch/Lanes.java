package dev.observers.dispatch;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Ordered lanes: work items with the same key run one at a time, in submission order; items with
 * different keys run in parallel. A slow or failing key holds back only its own lane. A lane with one
 * item running and none waiting costs a map entry only; its queue is made when a second item comes.
 *
 * @param <T> the work item
 */
public final class Lanes<T> {

    /** The lane of a key whose item runs and nothing waits: shared, never written to. */
    private static final ArrayDeque<Object> RUNNING_ALONE = new ArrayDeque<>(0);

    private final Map<Object, ArrayDeque<T>> waiting = new HashMap<>();
    private final Consumer<T> start;

    /** @param start called (outside any lock) when an item may run; it must eventually call {@link #done}. */
    public Lanes(Consumer<T> start) {
        this.start = start;
    }

    /** @param key any value with equals and hashCode: events of one entity share one */
    public void submit(Object key, T item) {
        boolean runNow;
        synchronized (this) {
            ArrayDeque<T> lane = waiting.get(key);
            if (lane == null) {
                waiting.put(key, runningAlone());
                runNow = true;
            } else {
                if (lane == RUNNING_ALONE) {
                    lane = new ArrayDeque<>();
                    waiting.put(key, lane);
                }
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
    public synchronized boolean enterIfIdle(Object key) {
        return waiting.putIfAbsent(key, runningAlone()) == null;
    }

    /** The running item of {@code key} finished; starts the next one of that lane, if any. */
    public void done(Object key) {
        T next;
        synchronized (this) {
            ArrayDeque<T> lane = waiting.get(key);
            if (lane == null) {
                throw new IllegalStateException("no running item for lane " + key);
            }
            next = lane == RUNNING_ALONE ? null : lane.pollFirst();
            if (next == null) {
                waiting.remove(key);
            }
        }
        if (next != null) {
            start.accept(next);
        }
    }

    @SuppressWarnings("unchecked")
    private ArrayDeque<T> runningAlone() {
        return (ArrayDeque<T>) RUNNING_ALONE;
    }

    /** Keys with a running item. */
    public synchronized int activeLanes() {
        return waiting.size();
    }
}
