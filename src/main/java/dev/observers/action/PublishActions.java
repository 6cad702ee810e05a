package dev.observers.action;

/**
 * Builds {@code type: publish} actions. A separate bean, present only when a message broker is
 * configured, so the factory can say what is missing instead of failing at send time.
 */
public interface PublishActions {

    /**
     * A runnable action for {@code config}.
     *
     * @throws IllegalArgumentException when the definition cannot be published with the configured broker
     */
    Action create(ActionConfig.Publish config);
}
