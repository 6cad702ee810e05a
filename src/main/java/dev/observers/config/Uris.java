package dev.observers.config;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The checks every server URL shares: present, parsable, one of the expected schemes, a host. */
final class Uris {

    private Uris() {
    }

    /** Parses {@code text} as a URI with one of {@code schemes}; messages never echo the text (it may hold a password). */
    static URI parse(String text, String... schemes) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty URL");
        }
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (Exception e) {
            throw new IllegalArgumentException("not a URL");
        }
        String scheme = uri.getScheme();
        if (scheme == null || Arrays.stream(schemes).noneMatch(scheme::equals)) {
            throw new IllegalArgumentException("scheme must be "
                    + Arrays.stream(schemes).map(s -> s + "://").collect(Collectors.joining(" or "))
                    + ", got " + (scheme == null ? "none" : scheme + "://"));
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("no host");
        }
        return uri;
    }

    /** Percent-decodes a URL part; '+' stays a plus (it is a space only in form bodies). */
    static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Percent-encodes a URL part (user, password, database, vhost). */
    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
