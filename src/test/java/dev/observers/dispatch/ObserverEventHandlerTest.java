package dev.observers.dispatch;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.observers.action.Action;
import dev.observers.action.Invocation;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.EventHandler;
import dev.observers.changelog.EventKind;
import dev.observers.checkpoint.Position;
import dev.observers.dedup.Dedup;
import dev.observers.dedup.DedupStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Batches checked against the dedup window: the reader is not held up, and batches still run in log order. */
class ObserverEventHandlerTest {

    /** A store whose answers the test hands out, one per check, in any order it likes. */
    private static final class HeldStore implements DedupStore {
        final Set<String> doneKeys = ConcurrentHashMap.newKeySet();
        final LinkedBlockingQueue<CompletableFuture<Set<String>>> pending = new LinkedBlockingQueue<>();
        final List<Collection<String>> asked = new CopyOnWriteArrayList<>();

        public Set<String> done(Collection<String> keys) {
            return keys.stream().filter(doneKeys::contains).collect(Collectors.toSet());
        }

        public CompletableFuture<Set<String>> doneAsync(Collection<String> keys) {
            CompletableFuture<Set<String>> answer = new CompletableFuture<>();
            asked.add(List.copyOf(keys));
            pending.add(answer);
            return answer;
        }

        public void markDone(Collection<String> keys, Duration window) {
            doneKeys.addAll(keys);
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final HeldStore store = new HeldStore();
    private final Dedup dedup = new Dedup(store, "test:", Duration.ofMinutes(5), false, registry, Clock.systemUTC());
    private final ActionRunner runner = new ActionRunner(10, Clock.systemUTC(), new DispatchMetrics(registry),
            () -> new CircuitBreaker(3, Duration.ofMillis(200), Duration.ofSeconds(1)));
    private final Dispatcher dispatcher = new Dispatcher("observers", runner, letter -> { },
            e -> JsonNodeFactory.instance.objectNode(), new DispatchMetrics(registry), dedup);
    private final List<Long> ran = new CopyOnWriteArrayList<>();
    private final Action record = new Action() {
        public String type() {
            return "log";
        }

        public boolean inline() {
            return true;
        }

        public void execute(ChangeEvent event, Invocation invocation) {
            ran.add(event.pk());
        }
    };
    private final ObserverEventHandler handler = new ObserverEventHandler("observers",
            () -> event -> List.of(ObserverRun.of("notify", List.of(new PlannedAction(0, record, Duration.ofSeconds(5))),
                    RetryPolicy.DEFAULT, FailurePolicy.DLQ)), dispatcher, dedup);
    private final UUID entity = UUID.randomUUID();
    private long pk;

    @AfterEach
    void stop() {
        handler.shutdownNow();
        runner.close();
    }

    private List<EventHandler.Item> batch(int size, CountDownLatch completed) {
        List<EventHandler.Item> items = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            pk++;
            ChangeEvent e = new ChangeEvent(new Position(100, pk), UUID.randomUUID(), EventKind.UPDATE, "UPDATE", "Post",
                    entity, JsonNodeFactory.instance.objectNode(), null, null, null, null, Instant.now(), null, null,
                    null, null);
            items.add(new EventHandler.Event(e, completed::countDown));
        }
        return items;
    }

    @Test
    void batchesRunInLogOrderWhenTheirChecksAnswerOutOfOrder() throws Exception {
        CountDownLatch completed = new CountDownLatch(6);
        handler.handle(batch(3, completed));
        handler.handle(batch(3, completed));
        assertThat(ran).as("the reader does not wait for Redis").isEmpty();

        CompletableFuture<Set<String>> first = store.pending.take();
        CompletableFuture<Set<String>> second = store.pending.take();
        second.complete(Set.of());
        Thread.sleep(100);
        assertThat(ran).as("the second batch waits for the first").isEmpty();
        first.complete(Set.of());

        assertThat(completed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(store.doneKeys).as("every success is marked done").hasSize(6);
    }

    @Test
    void actionsTheWindowSaysAreDoneAreSkippedAndTheirEventsStillComplete() throws Exception {
        CountDownLatch completed = new CountDownLatch(3);
        handler.handle(batch(3, completed));
        List<String> keys = new ArrayList<>(store.asked.getFirst());
        store.pending.take().complete(Set.of(keys.get(1)));

        assertThat(completed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactly(1L, 3L);
        assertThat(registry.get("observer_dedup_skipped_total").counter().count()).isEqualTo(1);
    }

    @Test
    void aFailedAsyncCheckFallsBackToTheBlockingOne() throws Exception {
        CountDownLatch completed = new CountDownLatch(2);
        handler.handle(batch(2, completed));
        store.doneKeys.add(new ArrayList<>(store.asked.getFirst()).getFirst());
        store.pending.take().completeExceptionally(new IllegalStateException("connection reset"));

        assertThat(completed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactly(2L);
    }
}
