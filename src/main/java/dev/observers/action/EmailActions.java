package dev.observers.action;

/**
 * Builds {@code type: email} actions. A separate bean, present only when an SMTP server is
 * configured, so the factory can say what is missing instead of failing at send time.
 */
public interface EmailActions {

    /**
     * A runnable action for {@code config}.
     *
     * @throws IllegalArgumentException when the definition cannot be sent with the configured server
     */
    Action create(ActionConfig.Email config);
}
