package dev.observers.config;

import java.net.URI;
import java.util.Optional;

/** A Redis location: {@code redis://[user:pass@]host:port[/db]}, or {@code rediss://} for TLS. */
public record RedisUrl(boolean tls, String host, int port, int database, Optional<String> user,
                       Optional<String> password) {

    public static final int DEFAULT_PORT = 6379;

    /** Parses {@code text}; the exception's message says what is wrong and never contains the password. */
    public static RedisUrl parse(String text) {
        URI uri = Uris.parse(text, "redis", "rediss");
        String scheme = uri.getScheme();
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        String info = uri.getRawUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            if (colon < 0) {
                password = Optional.of(Uris.decode(info));
            } else {
                String u = Uris.decode(info.substring(0, colon));
                user = u.isEmpty() ? Optional.empty() : Optional.of(u);
                password = Optional.of(Uris.decode(info.substring(colon + 1)));
            }
        }
        int database = 0;
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("database must be a number, got '" + path.substring(1) + "'");
            }
            if (database < 0) {
                throw new IllegalArgumentException("database must not be negative");
            }
        }
        return new RedisUrl(scheme.equals("rediss"), uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(),
                database, user, password);
    }

    /** {@code redis://host:port}, the form Redisson's address takes (credentials are passed apart). */
    public String address() {
        return (tls ? "rediss://" : "redis://") + host + ":" + port;
    }

    public String redacted() {
        String auth = password.isPresent() ? user.orElse("") + ":***@" : "";
        return (tls ? "rediss://" : "redis://") + auth + host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return redacted();
    }
}
