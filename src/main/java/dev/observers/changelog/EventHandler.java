package dev.observers.changelog;

import java.util.List;

/**
 * What a listener does with what it reads, a batch at a time (so per-batch work such as the dedup
 * check costs one round trip). Each item's {@code onComplete} must run exactly once, when the item is
 * finished for good; the listener's checkpoint never passes an item before.
 */
public interface EventHandler {

    /** One read batch, in log order. */
    void handle(List<Item> batch) throws InterruptedException;

    /** A row as the listener hands it over. */
    sealed interface Item {
        Runnable onComplete();
    }

    /** A row that maps to an event. */
    record Event(ChangeEvent event, Runnable onComplete) implements Item {
    }

    /** A row that is not an event (see {@link EventMapper}), with the reason. */
    record Refused(ChangeLogRow row, String reason, Runnable onComplete) implements Item {
    }
}
