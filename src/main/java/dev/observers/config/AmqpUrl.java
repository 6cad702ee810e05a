package dev.observers.config;

import java.net.URI;
import java.util.Optional;

/**
 * An AMQP 0-9-1 broker location as RabbitMQ writes it: {@code amqp://user:pass@host:5672/vhost}, or
 * {@code amqps://} for TLS. No user means RabbitMQ's {@code guest}; no path, or {@code /}, means the
 * default virtual host {@code /} (write {@code %2F} for it explicitly).
 */
public record AmqpUrl(boolean tls, String host, int port, String user, Optional<String> password,
                      String virtualHost) {

    public static final int DEFAULT_PORT = 5672;
    public static final int DEFAULT_TLS_PORT = 5671;

    /** Parses {@code text}; the exception's message says what is wrong and never contains the password. */
    public static AmqpUrl parse(String text) {
        URI uri = Uris.parse(text, "amqp", "amqps");
        boolean tls = uri.getScheme().equals("amqps");
        String user = "guest";
        Optional<String> password = Optional.of("guest");
        String info = uri.getRawUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            user = Uris.decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? Optional.empty() : Optional.of(Uris.decode(info.substring(colon + 1)));
        }
        String path = uri.getRawPath() == null || uri.getRawPath().length() <= 1 ? "" : uri.getRawPath().substring(1);
        if (path.contains("/")) {
            throw new IllegalArgumentException("the path must be one virtual host name (write '/' as %2F)");
        }
        String vhost = path.isEmpty() ? "/" : Uris.decode(path);
        if (uri.getRawQuery() != null) {
            throw new IllegalArgumentException("query parameters are not supported");
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : tls ? DEFAULT_TLS_PORT : DEFAULT_PORT;
        return new AmqpUrl(tls, uri.getHost(), port, user, password, vhost);
    }

    /** {@code host:port}: what a log line or a circuit-breaker key names. */
    public String address() {
        return host + ":" + port;
    }

    /** The URL with the password replaced by {@code ***}: safe for logs and errors. */
    public String redacted() {
        String auth = user + (password.isPresent() ? ":***" : "") + "@";
        String vhost = virtualHost.equals("/") ? "" : "/" + virtualHost;
        return (tls ? "amqps://" : "amqp://") + auth + host + ":" + port + vhost;
    }

    /** The full URL, password included (percent-encoded): for handing to a client, never for logs. */
    public String toUrl() {
        String auth = Uris.encode(user) + password.map(p -> ":" + Uris.encode(p)).orElse("") + "@";
        String vhost = virtualHost.equals("/") ? "" : "/" + Uris.encode(virtualHost);
        return (tls ? "amqps://" : "amqp://") + auth + host + ":" + port + vhost;
    }

    @Override
    public String toString() {
        return redacted();
    }
}
