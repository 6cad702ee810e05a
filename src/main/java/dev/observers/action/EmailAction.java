package dev.observers.action;

import dev.observers.changelog.ChangeEvent;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPTransport;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code type: email}: one plain-text message per event through the configured SMTP server. The
 * recipients, subject and body are rendered from the event; the idempotency key travels in a header
 * so a receiver can recognise a replayed message.
 */
public final class EmailAction implements Action {

    /** Header carrying {@link Invocation#idempotencyKey()}. */
    public static final String IDEMPOTENCY_HEADER = "X-Observers-Idempotency-Key";

    private final SmtpServer server;
    private final Function<ChangeEvent, String> to;
    private final Function<ChangeEvent, String> subject;
    private final Function<ChangeEvent, String> body;
    private final Optional<InternetAddress> replyTo;

    EmailAction(SmtpServer server, Function<ChangeEvent, String> to, Function<ChangeEvent, String> subject,
                Function<ChangeEvent, String> body, Optional<InternetAddress> replyTo) {
        this.server = server;
        this.to = to;
        this.subject = subject;
        this.body = body;
        this.replyTo = replyTo;
    }

    @Override
    public String type() {
        return "email";
    }

    @Override
    public String target() {
        return server.target();
    }

    @Override
    public void execute(ChangeEvent event, Invocation invocation) throws ActionFailure, InterruptedException {
        MimeMessage message = compose(event, invocation);
        Transport transport = server.transport();
        try {
            server.connect(transport);
            transport.sendMessage(message, message.getAllRecipients());
        } catch (MessagingException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException("email to " + server.target() + " interrupted");
            }
            throw SmtpFailures.classify(e, lastReply(transport), server.target());
        } finally {
            closeQuietly(transport);
        }
    }

    private MimeMessage compose(ChangeEvent event, Invocation invocation) throws ActionFailure {
        InternetAddress[] recipients = recipients(to.apply(event), event);
        try {
            MimeMessage message = new MimeMessage(server.session());
            message.setFrom(server.from());
            message.setRecipients(RecipientType.TO, recipients);
            if (replyTo.isPresent()) {
                message.setReplyTo(new InternetAddress[] {replyTo.get()});
            }
            message.setSubject(subject.apply(event), StandardCharsets.UTF_8.name());
            message.setText(body.apply(event), StandardCharsets.UTF_8.name());
            message.setSentDate(new Date());
            message.setHeader(IDEMPOTENCY_HEADER, invocation.idempotencyKey());
            return message;
        } catch (MessagingException e) {
            throw new ActionFailure(ActionFailure.Kind.PERMANENT, "invalid_message",
                    "cannot build the email for event " + event.id() + ": " + e.getMessage(), e);
        }
    }

    /** The rendered recipients; a bad list is permanent, as every retry renders the same text. */
    private static InternetAddress[] recipients(String rendered, ChangeEvent event) throws ActionFailure {
        try {
            return addresses(rendered);
        } catch (AddressException e) {
            throw new ActionFailure(ActionFailure.Kind.PERMANENT, "invalid_address", "email recipient '" + rendered
                    + "' for event " + event.id() + " is not a valid address list: " + e.getMessage(), e);
        }
    }

    /** One or more comma-separated addresses, each checked strictly. */
    static InternetAddress[] addresses(String text) throws AddressException {
        InternetAddress[] addresses = InternetAddress.parse(text.strip(), true);
        if (addresses.length == 0) {
            throw new AddressException("no address");
        }
        for (InternetAddress address : addresses) {
            address.validate();
        }
        return addresses;
    }

    private static int lastReply(Transport transport) {
        return transport instanceof SMTPTransport smtp ? smtp.getLastReturnCode() : -1;
    }

    private static void closeQuietly(Transport transport) {
        try {
            transport.close();
        } catch (MessagingException e) {
            // the message is already sent or already failed; a failed QUIT changes neither
        }
    }
}
