package dev.observers.config;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A PostgreSQL location parsed from the usual URL forms: {@code postgresql://user:pass@host:port/db},
 * {@code postgres://…} and {@code jdbc:postgresql://…}. Query parameters ({@code sslmode}, …) are kept.
 */
public record PgUrl(String host, int port, String database, String user, Optional<String> password,
                    Map<String, String> params) {

    public static final int DEFAULT_PORT = 5432;

    public PgUrl {
        params = Map.copyOf(params);
    }

    /** Parses {@code text}; the exception's message says what is wrong and never contains the password. */
    public static PgUrl parse(String text) {
        String s = text == null ? null : text.strip();
        if (s != null && s.startsWith("jdbc:")) {
            s = s.substring("jdbc:".length());
        }
        URI uri = Uris.parse(s, "postgresql", "postgres");
        String user = "postgres";
        Optional<String> password = Optional.empty();
        String info = uri.getRawUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            user = Uris.decode(colon < 0 ? info : info.substring(0, colon));
            if (colon >= 0) {
                password = Optional.of(Uris.decode(info.substring(colon + 1)));
            }
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String database = path.startsWith("/") ? Uris.decode(path.substring(1)) : Uris.decode(path);
        if (database.isEmpty()) {
            database = user;
        }
        if (database.contains("/")) {
            throw new IllegalArgumentException("database name must not contain '/': " + database);
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                params.put(Uris.decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : Uris.decode(pair.substring(eq + 1)));
            }
        }
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        return new PgUrl(uri.getHost(), port, database, user, password, params);
    }

    public PgUrl withDatabase(String otherDatabase) {
        return new PgUrl(host, port, otherDatabase, user, password, params);
    }

    /** The URL with the password replaced by {@code ***}: safe for logs and errors. */
    public String redacted() {
        return "postgresql://" + user + (password.isPresent() ? ":***" : "") + "@" + host + ":" + port + "/" + database
                + query();
    }

    /** The full URL, password included (percent-encoded): for handing to another process, never for logs. */
    public String toUrl() {
        return "postgresql://" + Uris.encode(user) + password.map(p -> ":" + Uris.encode(p)).orElse("") + "@" + host + ":" + port
                + "/" + Uris.encode(database) + query();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database + query();
    }

    @Override
    public String toString() {
        return redacted();
    }

    private String query() {
        if (params.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("?");
        params.forEach((k, v) -> sb.append(sb.length() > 1 ? "&" : "").append(k).append('=').append(v));
        return sb.toString();
    }
}
