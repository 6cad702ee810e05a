package dev.observers.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.ChangeLogRow;
import dev.observers.changelog.EventHandler;
import dev.observers.dedup.Dedup;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The observers listener's handler: plans each event of a batch against the observers in force,
 * drops the actions the dedup window says were already done, and hands the rest to the dispatcher. A
 * definitions reload swaps the planner; events already planned keep the observers they matched, so a
 * reload neither loses nor repeats in-flight work.
 *
 * <p>With the dedup window on, a batch's check (one round trip) is sent at once and the batch is
 * dispatched when the answer is in, on a thread of this handler's, batches in the order they came: the
 * reader goes on reading while Redis answers, and the next check travels while this batch runs.
 * Without it, batches are dispatched on the caller's thread.
 */
public final class ObserverEventHandler implements EventHandler {

    private static final Logger LOG = Logger.getLogger(ObserverEventHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private record Planned(Event item, List<ObserverRun> runs) {
    }

    private final String listenerId;
    private final Supplier<EventPlanner> planner;
    private final Dispatcher dispatcher;
    private final Dedup dedup;
    private final ExecutorService checked;
    private CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);

    public ObserverEventHandler(String listenerId, Supplier<EventPlanner> planner, Dispatcher dispatcher, Dedup dedup) {
        this.listenerId = listenerId;
        this.planner = planner;
        this.dispatcher = dispatcher;
        this.dedup = dedup;
        this.checked = dedup.enabled()
                ? Executors.newSingleThreadExecutor(Thread.ofPlatform().name("dedup-checked-", 0).daemon().factory())
                : null;
    }

    @Override
    public void handle(List<Item> batch) {
        EventPlanner current = planner.get();
        List<Planned> planned = new ArrayList<>(batch.size());
        List<String> keys = dedup.enabled() ? new ArrayList<>() : List.of();
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
                        }
                    }
                }
                case Refused r -> refuse(r.row(), r.reason(), r.onComplete());
            }
        }
        if (!dedup.enabled()) {
            dispatch(planned, Set.of());
            return;
        }
        CompletableFuture<Set<String>> check = dedup.doneAsync(keys);
        previous = previous.thenAcceptBothAsync(check.exceptionally(failure -> null), (ignored, done) -> {
            try {
                dispatch(planned, done != null ? done : dedup.done(keys));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
            } catch (RuntimeException e) {
                LOG.errorf(e, "listener %s: dispatching a batch of %d event(s) failed", listenerId, planned.size());
                throw e;
            }
        }, checked).exceptionally(failure -> null);
    }

    /** Stops dispatching checked batches and the dispatcher's work; what was not finished is replayed on restart. */
    public void shutdownNow() {
        if (checked != null) {
            checked.shutdownNow();
        }
        dispatcher.shutdownNow();
    }

    private void dispatch(List<Planned> planned, Set<String> done) {
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
