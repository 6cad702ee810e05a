package dev.observers.changelog;

/**
 * What a listener does with what it reads. Each call must eventually run {@code onComplete} exactly
 * once, when the item is finished for good; the listener's checkpoint never passes an item before.
 */
public interface EventHandler {

    void handle(ChangeEvent event, Runnable onComplete);

    /** A row that is not an event (see {@link EventMapper}). */
    void refuse(ChangeLogRow row, String reason, Runnable onComplete);
}
