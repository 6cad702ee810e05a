package dev.observers.dedup;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Where the dedup window lives: which actions are done. Every method throws (or, async, fails with)
 * {@link DedupUnavailableException} when the store cannot be reached.
 */
public interface DedupStore {

    /** No store: nothing is ever done, every action runs (dedup disabled). */
    DedupStore NONE = new DedupStore() {
        public Set<String> done(Collection<String> keys) {
            return Set.of();
        }

        public void markDone(Collection<String> keys, Duration window) {
        }
    };

    /** {@link #NONE}. */
    static DedupStore none() {
        return NONE;
    }

    /** Which of {@code keys} are done, in one round trip. */
    Set<String> done(Collection<String> keys);

    /** {@link #done} without waiting for the answer. */
    default CompletableFuture<Set<String>> doneAsync(Collection<String> keys) {
        try {
            return CompletableFuture.completedFuture(done(keys));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Marks {@code keys} done for {@code window}, in one round trip. */
    void markDone(Collection<String> keys, Duration window);
}
