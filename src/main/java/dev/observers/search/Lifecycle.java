package dev.observers.search;

import java.util.Optional;

/**
 * Who deletes old daily indices: the cluster's index lifecycle management, or the daemon itself on a
 * cluster without it (integ-test nodes, OpenSearch, builds without x-pack), where a template naming a
 * policy would be rejected.
 */
public sealed interface Lifecycle {

    /** The cluster has ILM and {@code policy} is installed: templates name it, ILM deletes. */
    record Managed(String policy) implements Lifecycle {
    }

    /** No ILM on the cluster ({@code reason} says how it answered): the daemon's {@link RetentionSweeper} deletes. */
    record Unmanaged(String reason) implements Lifecycle {
    }

    /** The policy an index template should name: present only when the cluster manages the lifecycle. */
    default Optional<String> templatePolicy() {
        return switch (this) {
            case Managed managed -> Optional.of(managed.policy());
            case Unmanaged unmanaged -> Optional.empty();
        };
    }
}
