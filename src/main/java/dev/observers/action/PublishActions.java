package dev.observers.action;

/** Builds publish actions; implemented where a broker is configured. */
public interface PublishActions {
    Action create(ActionConfig.Publish config);
}
