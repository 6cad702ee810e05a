package dev.observers.dedup;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;

/**
 * Where each action's dedup state lives: absent, claimed by a daemon instance while it runs, or done.
 * Every method throws {@link DedupUnavailableException} when the store cannot be reached.
 */
public interface DedupStore {

    /** No store: nothing is ever done, every action runs (dedup disabled). */
    DedupStore NONE = new DedupStore() {
        public Set<String> claimUnlessDone(Collection<String> keys, String instance, Duration ttl) {
            return Set.of();
        }

        public void markDone(Collection<String> keys, Duration window) {
        }

        public void release(String key, String instance) {
        }
    };

    /** {@link #NONE}. */
    static DedupStore none() {
        return NONE;
    }

    /**
     * In one round trip: which of {@code keys} are done, and a claim by {@code instance} for {@code ttl}
     * on each of the others (replacing any claim a crashed instance left).
     */
    Set<String> claimUnlessDone(Collection<String> keys, String instance, Duration ttl);

    /** Marks {@code keys} done for {@code window}, in one round trip. */
    void markDone(Collection<String> keys, Duration window);

    /** Removes {@code instance}'s claim on {@code key}, leaving anything else as it is. */
    void release(String key, String instance);
}
