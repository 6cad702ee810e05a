package dev.observers.action;

import dev.observers.config.EnvNames;
import dev.observers.config.ObserversConfig;
import jakarta.mail.MessagingException;
import jakarta.mail.NoSuchProviderException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.util.Properties;

/**
 * The configured SMTP server, as email actions reach it: one mail session, the sender, and the
 * credentials (kept out of {@link #toString()}). Each send is one SMTP conversation on a fresh connection.
 */
final class SmtpServer {

    private final Session session;
    private final String host;
    private final int port;
    private final ObserversConfig.SmtpTls tls;
    private final InternetAddress from;
    private final String username;
    private final String password;

    private SmtpServer(Session session, String host, int port, ObserversConfig.SmtpTls tls, InternetAddress from,
                       String username, String password) {
        this.session = session;
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.from = from;
        this.username = username;
        this.password = password;
    }

    /**
     * @throws IllegalArgumentException when no host or no valid sender is configured; the message names the variable
     */
    static SmtpServer of(ObserversConfig.Smtp smtp) {
        String host = smtp.host().filter(h -> !h.isBlank()).orElseThrow(() -> new IllegalArgumentException(
                "email actions need an SMTP server: set " + EnvNames.of("observers.smtp.host") + " (and "
                        + EnvNames.of("observers.smtp.from") + ")"));
        String fromText = smtp.from().orElseThrow(() -> new IllegalArgumentException(
                "email actions need a sender address: set " + EnvNames.of("observers.smtp.from")));
        InternetAddress from;
        try {
            from = new InternetAddress(fromText, true);
        } catch (AddressException e) {
            throw new IllegalArgumentException(EnvNames.of("observers.smtp.from") + " is not an email address: "
                    + e.getMessage());
        }
        Properties props = new Properties();
        String protocol = protocol(smtp.tls());
        props.setProperty("mail.transport.protocol", protocol);
        props.setProperty("mail." + protocol + ".connectiontimeout", String.valueOf(smtp.timeoutMs()));
        props.setProperty("mail." + protocol + ".timeout", String.valueOf(smtp.timeoutMs()));
        props.setProperty("mail." + protocol + ".auth", String.valueOf(smtp.username().isPresent()));
        switch (smtp.tls()) {
            case STARTTLS -> {
                props.setProperty("mail.smtp.starttls.enable", "true");
                props.setProperty("mail.smtp.starttls.required", "true");
                props.setProperty("mail.smtp.ssl.checkserveridentity", "true");
            }
            case TLS -> props.setProperty("mail.smtps.ssl.checkserveridentity", "true");
            case NONE -> {
            }
        }
        return new SmtpServer(Session.getInstance(props), host, smtp.port(), smtp.tls(), from,
                smtp.username().orElse(null), smtp.password().orElse(null));
    }

    Session session() {
        return session;
    }

    InternetAddress from() {
        return from;
    }

    /** {@code host:port}: the circuit-breaker key and what errors name. */
    String target() {
        return host + ":" + port;
    }

    /** An unconnected transport; {@link #connect} opens it. */
    Transport transport() {
        try {
            return session.getTransport(protocol(tls));
        } catch (NoSuchProviderException e) {
            throw new IllegalStateException("the mail provider for " + protocol(tls) + " is missing", e);
        }
    }

    void connect(Transport transport) throws MessagingException {
        transport.connect(host, port, username, password);
    }

    @Override
    public String toString() {
        return "smtp " + tls + "://" + (username == null ? "" : username + ":***@") + target();
    }

    private static String protocol(ObserversConfig.SmtpTls tls) {
        return tls == ObserversConfig.SmtpTls.TLS ? "smtps" : "smtp";
    }
}
