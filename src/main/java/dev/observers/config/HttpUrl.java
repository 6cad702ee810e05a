package dev.observers.config;

import java.net.URI;

/** An HTTP(S) base URL such as an Elasticsearch node's, checked for scheme and host. */
public record HttpUrl(URI uri) {

    public static HttpUrl parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty URL");
        }
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (Exception e) {
            throw new IllegalArgumentException("not a URL");
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new IllegalArgumentException("scheme must be http:// or https://");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host");
        }
        return new HttpUrl(uri);
    }

    public int port() {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equals("https") ? 443 : 80;
    }

    public String redacted() {
        String info = uri.getUserInfo();
        return info == null ? uri.toString() : uri.toString().replace(info + "@", info.split(":", 2)[0] + ":***@");
    }

    @Override
    public String toString() {
        return redacted();
    }
}
