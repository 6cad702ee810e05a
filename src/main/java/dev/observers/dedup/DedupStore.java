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
    static DedupStore none() {
        return new DedupStore() {
            public Set<String> done(Collection<String> keys) {
                return Set.of();
            }

            public void claim(String key, String instance, Duration ttl) {
            }

            public void markDone(String key, Duration window) {
            }

            public void release(String key, String instance) {
            }
        };
    }

    /** Which of {@code keys} are done, in one round trip. */
    Set<String> done(Collection<String> keys);

    /** Marks {@code key} claimed by {@code instance} for {@code ttl}, unless it is done. */
    void claim(String key, String instance, Duration ttl);

    /** Marks {@code key} done for {@code window}. */
    void markDone(String key, Duration window);

    /** Removes {@code instance}'s claim on {@code key}, leaving anything else as it is. */
    void release(String key, String instance);
}
