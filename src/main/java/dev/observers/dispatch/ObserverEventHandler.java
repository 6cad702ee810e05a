package dev.observers.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.ChangeLogRow;
import dev.observers.changelog.EventHandler;
import dev.observers.dedup.Dedup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The observers listener's handler: plans each event of a batch against the observers in force,
 * drops the actions the dedup window says were already done and claims the others (one round trip
 * per batch), and hands
 * the rest to the dispatcher. A definitions reload swaps the planner; events already planned keep
 * the observers they matched, so a reload neither loses nor repeats in-flight work.
 */
public final class ObserverEventHandler implements EventHandler {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private record Planned(Event item, List<ObserverRun> runs) {
    }

    private final String listenerId;
    private final Supplier<EventPlanner> planner;
    private final Dispatcher dispatcher;
    private final Dedup dedup;

    public ObserverEventHandler(String listenerId, Supplier<EventPlanner> planner, Dispatcher dispatcher, Dedup dedup) {
        this.listenerId = listenerId;
        this.planner = planner;
        this.dispatcher = dispatcher;
        this.dedup = dedup;
    }

    @Override
    public void handle(List<Item> batch) throws InterruptedException {
        EventPlanner current = planner.get();
        List<Planned> planned = new ArrayList<>(batch.size());
        List<String> keys = new ArrayList<>();
        Duration longest = Duration.ZERO;
        for (Item item : batch) {
            switch (item) {
                case Event e -> {
                    List<ObserverRun> runs = current.plan(e.event());
                    planned.add(new Planned(e, runs));
                    if (!dedup.enabled()) {
                        continue;
                    }
                    for (ObserverRun run : runs) {
                        for (PlannedAction a : run.actions()) {
                            keys.add(dedup.key(listenerId, e.event(), run.observer(), a.index()));
                            longest = a.timeout().compareTo(longest) > 0 ? a.timeout() : longest;
                        }
                    }
                }
                case Refused r -> refuse(r.row(), r.reason(), r.onComplete());
            }
        }
        Set<String> done = dedup.claimUnlessDone(keys, longest);
        for (Planned p : planned) {
            ChangeEvent event = p.item().event();
            List<ObserverRun> runs = done.isEmpty() ? p.runs() : withoutDone(event, p.runs(), done);
            dispatcher.submit(event, runs, p.item().onComplete());
        }
    }

    private List<ObserverRun> withoutDone(ChangeEvent event, List<ObserverRun> runs, Set<String> done) {
        List<ObserverRun> left = new ArrayList<>(runs.size());
        for (ObserverRun run : runs) {
            if (run.refusal().isPresent()) {
                left.add(run);
                continue;
            }
            List<PlannedAction> actions = run.actions().stream()
                    .filter(a -> !done.contains(dedup.key(listenerId, event, run.observer(), a.index())))
                    .toList();
            if (!actions.isEmpty()) {
                left.add(run.withActions(actions));
            }
        }
        return left;
    }

    private void refuse(ChangeLogRow row, String reason, Runnable onComplete) {
        ObjectNode raw = JSON.valueToTree(row);
        dispatcher.refuseRow(new DeadLetter(listenerId, row.position().pk(), row.id(), row.objectType(), row.objectId(),
                null, null, null, raw, reason, "unreadable_row", 0), onComplete);
    }
}
