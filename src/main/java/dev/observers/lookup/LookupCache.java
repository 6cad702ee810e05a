package dev.observers.lookup;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;

/** Where lookup results are kept between events: {@link TwoLevelCache}, or {@link #NONE} to always ask the source. */
public interface LookupCache {

    /** Produces a result from its source; called only on a miss. */
    @FunctionalInterface
    interface Loader {
        JsonNode load() throws LookupException;
    }

    /** No cache: every call asks the source. */
    LookupCache NONE = (lookup, key, ttl, loader) -> loader.load();

    /**
     * The result cached under {@code key}, or the loader's, which is then kept for {@code ttl}. Failures
     * are never cached; {@code lookup} names the lookup in them.
     */
    JsonNode get(String lookup, String key, Duration ttl, Loader loader) throws LookupException;
}
