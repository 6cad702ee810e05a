package dev.observers.action;

/** Builds email actions; implemented where SMTP is configured. */
public interface EmailActions {
    Action create(ActionConfig.Email config);
}
