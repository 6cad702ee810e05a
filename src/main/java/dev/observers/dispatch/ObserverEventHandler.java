package dev.observers.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.ChangeLogRow;
import dev.observers.changelog.EventHandler;

import java.util.function.Supplier;

/**
 * The observers listener's handler: plans each event against the observers in force at that moment
 * and hands it to the dispatcher. A definitions reload swaps the planner; events already planned keep
 * the observers they matched, so a reload neither loses nor repeats in-flight work.
 */
public final class ObserverEventHandler implements EventHandler {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private final String listenerId;
    private final Supplier<EventPlanner> planner;
    private final Dispatcher dispatcher;

    public ObserverEventHandler(String listenerId, Supplier<EventPlanner> planner, Dispatcher dispatcher) {
        this.listenerId = listenerId;
        this.planner = planner;
        this.dispatcher = dispatcher;
    }

    @Override
    public void handle(ChangeEvent event, Runnable onComplete) {
        dispatcher.submit(event, planner.get().plan(event), onComplete);
    }

    @Override
    public void refuse(ChangeLogRow row, String reason, Runnable onComplete) {
        ObjectNode raw = JSON.valueToTree(row);
        dispatcher.refuseRow(new DeadLetter(listenerId, row.position().pk(), row.id(), row.objectType(), row.objectId(),
                null, null, null, raw, reason, "unreadable_row", 0), onComplete);
    }
}
