package dev.observers.dedup;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The availability policy around the store; the store itself is tested against Redis. */
class DedupTest {

    /** A store that answers from a set, or fails like an unreachable Redis while {@code down}. */
    private static final class SwitchableStore implements DedupStore {
        final AtomicBoolean down = new AtomicBoolean();
        final AtomicInteger calls = new AtomicInteger();
        final Set<String> done = java.util.concurrent.ConcurrentHashMap.newKeySet();

        private void check() {
            calls.incrementAndGet();
            if (down.get()) {
                throw new DedupUnavailableException("Redis unavailable: connection refused", null);
            }
        }

        public Set<String> done(Collection<String> keys) {
            check();
            return keys.stream().filter(done::contains).collect(java.util.stream.Collectors.toSet());
        }

        public void markDone(Collection<String> keys, Duration window) {
            check();
            done.addAll(keys);
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void doneActionsAreSkippedAndCounted() throws Exception {
        SwitchableStore store = new SwitchableStore();
        Dedup dedup = new Dedup(store, "p:", Duration.ofMinutes(5), false, registry, Clock.systemUTC());
        dedup.markDone("p:dedup:a");
        assertThat(dedup.done(List.of("p:dedup:a", "p:dedup:b"))).containsExactly("p:dedup:a");
        assertThat(registry.get("observer_dedup_skipped_total").counter().count()).isEqualTo(1);
    }

    @Test
    void failOpenKeepsDeliveringWhileRedisIsDownAndResumesWhenItReturns() throws Exception {
        SwitchableStore store = new SwitchableStore();
        Dedup dedup = new Dedup(store, "p:", Duration.ofMinutes(5), false, registry, Clock.systemUTC());
        store.done.add("k");
        store.down.set(true);
        assertThat(dedup.done(List.of("k", "j"))).isEmpty();
        assertThat(dedup.available()).isFalse();
        int callsAfterFirstFailure = store.calls.get();
        assertThat(dedup.done(List.of("k"))).as("no new probe before the backoff").isEmpty();
        assertThat(store.calls.get()).isEqualTo(callsAfterFirstFailure);
        assertThat(registry.get("observer_dedup_unchecked_total").counter().count()).isEqualTo(3);

        store.down.set(false);
        Thread.sleep(1_100);
        assertThat(dedup.done(List.of("k"))).containsExactly("k");
        assertThat(dedup.available()).isTrue();
    }

    @Test
    void failClosedWaitsForRedisInsteadOfDeliveringUnchecked() throws Exception {
        SwitchableStore store = new SwitchableStore();
        Dedup dedup = new Dedup(store, "p:", Duration.ofMinutes(5), true, registry, Clock.systemUTC());
        store.down.set(true);
        CompletableFuture<Set<String>> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return dedup.done(List.of("k"));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(500);
        assertThat(answer).isNotDone();
        store.done.add("k");
        store.down.set(false);
        assertThat(answer.get(5, TimeUnit.SECONDS)).containsExactly("k");
        assertThat(registry.get("observer_dedup_unchecked_total").counter().count()).isZero();
    }

    @Test
    void theAsyncCheckAnswersLikeTheBlockingOneAndCountsSkips() throws Exception {
        SwitchableStore store = new SwitchableStore();
        Dedup dedup = new Dedup(store, "p:", Duration.ofMinutes(5), false, registry, Clock.systemUTC());
        store.done.add("a");
        assertThat(dedup.doneAsync(List.of("a", "b")).get(5, TimeUnit.SECONDS)).containsExactly("a");
        assertThat(registry.get("observer_dedup_skipped_total").counter().count()).isEqualTo(1);
    }

    @Test
    void theAsyncCheckFailsOpenWhileRedisIsDownWithoutProbingAgainBeforeTheBackoff() throws Exception {
        SwitchableStore store = new SwitchableStore();
        Dedup dedup = new Dedup(store, "p:", Duration.ofMinutes(5), false, registry, Clock.systemUTC());
        store.done.add("k");
        store.down.set(true);
        assertThat(dedup.doneAsync(List.of("k", "j")).get(5, TimeUnit.SECONDS)).isEmpty();
        int calls = store.calls.get();
        assertThat(dedup.doneAsync(List.of("k")).get(5, TimeUnit.SECONDS)).isEmpty();
        assertThat(store.calls.get()).isEqualTo(calls);
        assertThat(dedup.available()).isFalse();
        assertThat(registry.get("observer_dedup_unchecked_total").counter().count()).isEqualTo(3);
    }

    @Test
    void theAsyncCheckFailsClosedSoTheCallerWaitsInTheBlockingCheck() {
        SwitchableStore store = new SwitchableStore();
        Dedup dedup = new Dedup(store, "p:", Duration.ofMinutes(5), true, registry, Clock.systemUTC());
        store.down.set(true);
        assertThat(dedup.doneAsync(List.of("k"))).failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(DedupUnavailableException.class);
        assertThat(registry.get("observer_dedup_unchecked_total").counter().count()).isZero();
    }
}
