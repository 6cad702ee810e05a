package dev.observers.lookup;

import com.fasterxml.jackson.core.JsonPointer;

/**
 * One thing wrong with a {@code lookups:} block, located so a loader can point at the line:
 * {@code at} addresses the offending value inside the block, {@code path} names the field as the
 * observer loader does ({@code observers.post_published.lookups.author.params[0]}).
 */
public record LookupProblem(JsonPointer at, String path, String message) {

    @Override
    public String toString() {
        return path + ": " + message;
    }
}
