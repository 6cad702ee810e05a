package dev.observers.search;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.Objects;

/**
 * A lifecycle policy as the daemon installs it: the body of {@code PUT _ilm/policy/<name>}
 * ({@code {"policy": {"phases": ...}}}) and its delete age, which is also the retention the daemon
 * enforces itself on a cluster without ILM. Built by {@link IlmPolicies#load}, which validates it.
 *
 * @param source where it was read from, for messages ({@code ilm-policies/observer-events.json (bundled)} or a path)
 */
public record IlmPolicy(String name, ObjectNode body, Duration deleteAfter, String source) {

    public IlmPolicy {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(deleteAfter, "deleteAfter");
        Objects.requireNonNull(source, "source");
        body = Objects.requireNonNull(body, "body").deepCopy();
    }

    /** A copy: the policy stays what was validated. */
    @Override
    public ObjectNode body() {
        return body.deepCopy();
    }

    /** The phases object of the body. */
    public ObjectNode phases() {
        return (ObjectNode) body.get("policy").get("phases").deepCopy();
    }

    /** Days after which a daily index is deleted (the delete phase's {@code min_age}, whole days). */
    public int retentionDays() {
        return Math.toIntExact(deleteAfter.toDays());
    }
}
