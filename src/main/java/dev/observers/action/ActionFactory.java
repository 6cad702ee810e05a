package dev.observers.action;

/**
 * Turns a checked {@link ActionConfig} into a runnable {@link Action}: one small class per type,
 * chosen by a pattern switch over the sealed configs.
 */
public interface ActionFactory {

    /**
     * @throws IllegalArgumentException when the action cannot be built here (an env variable it names
     *                                  is unset, no SMTP or broker is configured); the message says which
     */
    Action create(ActionConfig config);
}
