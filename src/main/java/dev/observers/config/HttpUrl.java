package dev.observers.config;

import java.net.URI;

/** An HTTP(S) base URL such as an Elasticsearch node's, checked for scheme and host. */
public record HttpUrl(URI uri) {

    public static HttpUrl parse(String text) {
        return new HttpUrl(Uris.parse(text, "http", "https"));
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
