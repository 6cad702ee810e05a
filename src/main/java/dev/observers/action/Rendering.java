package dev.observers.action;

import dev.observers.changelog.ChangeEvent;

import java.util.function.Function;

/**
 * What the email and publish actions make of an event, as plain functions over the shared
 * {@link EventJson} and {@link Template}: the event as JSON, and a template rendered against it.
 */
final class Rendering {

    private Rendering() {
    }

    /** The event as compact JSON. */
    static Function<ChangeEvent, String> eventJson() {
        return event -> EventJson.text(EventJson.of(event));
    }

    /** {@code text} compiled once and rendered per event (see {@link Template} for its paths). */
    static Function<ChangeEvent, String> template(String text) {
        Template template = Template.compile(text);
        return event -> template.render(EventJson.of(event));
    }
}
