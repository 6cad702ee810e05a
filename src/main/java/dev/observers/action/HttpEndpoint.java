package dev.observers.action;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a webhook or Slack action sends, resolved once from {@code url} or {@code url_env}. URLs
 * carry secrets (user info, query tokens, Slack's secret path), so the endpoint knows them and
 * {@link #redact}s them from any text that may reach a log; {@link #target} is the safe name.
 *
 * @param uri           the URL to send to, user info removed
 * @param target        {@code scheme://host:port}: the circuit-breaker key and the name used in messages
 * @param authorization a Basic {@code Authorization} value built from the URL's user info, or null
 * @param secrets       substrings that must never appear in a message
 */
record HttpEndpoint(URI uri, String target, String authorization, List<String> secrets) {

    /**
     * Resolves the endpoint of a {@code type} action from {@code <field>} or {@code <field>_env}.
     *
     * @throws IllegalArgumentException naming the field or variable (never echoing the URL) when
     *                                  neither is set, the variable is unset, or the URL is not http(s)
     */
    static HttpEndpoint resolve(String type, String field, Optional<String> url, Optional<String> urlEnv,
                                Environment env) {
        String text;
        String origin;
        if (url.isPresent() && !url.get().isBlank()) {
            text = url.get().strip();
            origin = field;
        } else if (urlEnv.isPresent()) {
            text = env.require(type, field + "_env", urlEnv.get()).strip();
            origin = "the URL in " + urlEnv.get();
        } else {
            throw new IllegalArgumentException(type + " action needs " + field + " or " + field + "_env");
        }
        return parse(type, origin, text);
    }

    private static HttpEndpoint parse(String type, String origin, String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(type + " action: " + origin + " is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(type + " action: " + origin + " must be an http:// or https:// URL");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException(type + " action: " + origin + " has no host");
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        String authority = uri.getRawAuthority();
        String authorization = null;
        List<String> secrets = new ArrayList<>(List.of(text));
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            authority = authority.substring(authority.lastIndexOf('@') + 1);
            String decoded = URLDecoder.decode(userInfo.replace("+", "%2B"), StandardCharsets.UTF_8);
            authorization = "Basic " + Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.UTF_8));
            secrets.add(userInfo);
            secrets.add(decoded);
            int colon = decoded.indexOf(':');
            if (colon >= 0) {
                secrets.add(decoded.substring(colon + 1));
            }
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String query = uri.getRawQuery();
        secrets.add(path);
        if (query != null) {
            secrets.add(query);
        }
        URI clean = URI.create(scheme + "://" + authority + path + (query == null ? "" : "?" + query));
        return new HttpEndpoint(clean, scheme + "://" + uri.getHost() + ":" + port, authorization, ordered(secrets));
    }

    /** Longest first, so a secret containing another is replaced whole; very short strings are not secrets. */
    private static List<String> ordered(List<String> secrets) {
        return secrets.stream()
                .filter(s -> s != null && s.length() >= 4)
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
    }

    /** This endpoint with more secrets to redact (a signing secret, a bearer token sent as a header). */
    HttpEndpoint withSecrets(List<String> more) {
        List<String> all = new ArrayList<>(secrets);
        all.addAll(more);
        return new HttpEndpoint(uri, target, authorization, ordered(all));
    }

    /** {@code text} with every secret of this endpoint replaced by {@code ***}. */
    String redact(String text) {
        if (text == null) {
            return "";
        }
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, "***");
        }
        return out;
    }

    @Override
    public String toString() {
        return target;
    }
}
