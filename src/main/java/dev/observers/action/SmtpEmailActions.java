package dev.observers.action;

import dev.observers.changelog.ChangeEvent;
import dev.observers.config.ObserversConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.util.Optional;
import java.util.function.Function;

/**
 * Email actions over the SMTP server in {@code observers.smtp.*}. Without a host every email action
 * is refused when observers load, so a missing server shows up at start, not at the first event.
 */
@ApplicationScoped
public class SmtpEmailActions implements EmailActions {

    /** The subject when an action sets neither {@code subject} nor {@code subject_template}. */
    static final String DEFAULT_SUBJECT = "{{ entity_type }} {{ event_type }}";

    private final ObserversConfig config;
    private SmtpServer server;

    @Inject
    public SmtpEmailActions(ObserversConfig config) {
        this.config = config;
    }

    /**
     * @throws IllegalArgumentException when no SMTP server is configured or the action's addresses or
     *                                  templates are unusable; the message says which and what to set
     */
    @Override
    public Action create(ActionConfig.Email action) {
        SmtpServer smtp = server();
        if (action.to().isPresent() == action.toTemplate().isPresent()) {
            throw new IllegalArgumentException("email action needs exactly one of to, to_template");
        }
        if (action.subject().isPresent() && action.subjectTemplate().isPresent()) {
            throw new IllegalArgumentException("email action takes subject or subject_template, not both");
        }
        if (action.bodyTemplate() == null || action.bodyTemplate().isBlank()) {
            throw new IllegalArgumentException("email action needs a body_template");
        }
        Function<ChangeEvent, String> to = action.to().isPresent() ? fixedRecipients(action.to().get())
                : Rendering.template(action.toTemplate().get());
        Function<ChangeEvent, String> subject = action.subject().<Function<ChangeEvent, String>>map(s -> event -> s)
                .orElseGet(() -> Rendering.template(action.subjectTemplate().orElse(DEFAULT_SUBJECT)));
        Optional<InternetAddress> replyTo = action.replyTo().map(r -> address("reply_to", r));
        return new EmailAction(smtp, to, subject, Rendering.template(action.bodyTemplate()), replyTo);
    }

    private synchronized SmtpServer server() {
        if (server == null) {
            server = SmtpServer.of(config.smtp());
        }
        return server;
    }

    private static Function<ChangeEvent, String> fixedRecipients(String to) {
        try {
            EmailAction.addresses(to);
        } catch (AddressException e) {
            throw new IllegalArgumentException("email action: to '" + to + "' is not a valid address list: "
                    + e.getMessage());
        }
        return event -> to;
    }

    private static InternetAddress address(String field, String text) {
        try {
            InternetAddress address = new InternetAddress(text, true);
            address.validate();
            return address;
        } catch (AddressException e) {
            throw new IllegalArgumentException("email action: " + field + " '" + text + "' is not an email address: "
                    + e.getMessage());
        }
    }
}
