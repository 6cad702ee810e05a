package dev.observers.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.instrumentation.NoopInstrumentation;
import co.elastic.clients.transport.rest5_client.Rest5ClientTransport;
import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import dev.observers.config.HttpUrl;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.message.BasicHeader;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Builds the Elasticsearch client. By default requests declare REST compatibility with 8.x, which both
 * 8.x and 9.x servers accept, so one daemon works against either.
 */
public final class SearchClients {

    private static final String MEDIA_TYPE = "application/vnd.elasticsearch+json; compatible-with=8";

    private SearchClients() {
    }

    public static ElasticsearchClient create(HttpUrl url) {
        return create(url, 8);
    }

    /**
     * @param compatibility 8: every request declares {@code compatible-with=8}, understood by 8.x and 9.x
     *                      clusters; 9: the client's own headers, for 9.x clusters only
     */
    public static ElasticsearchClient create(HttpUrl url, int compatibility) {
        HttpHost host;
        try {
            host = HttpHost.create(url.uri().getScheme() + "://" + url.uri().getHost() + ":" + url.port());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not an Elasticsearch URL: " + url.redacted(), e);
        }
        var builder = Rest5Client.builder(host);
        if (compatibility == 8) {
            builder.setHttpClientConfigCallback(http -> http.addRequestInterceptorLast(
                    (request, entity, context) -> declareCompatibility(request)));
        }
        String userInfo = url.uri().getUserInfo();
        if (userInfo != null) {
            String basic = Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
            builder.setDefaultHeaders(new Header[] {new BasicHeader("Authorization", "Basic " + basic)});
        }
        if (url.uri().getPath() != null && url.uri().getPath().length() > 1) {
            builder.setPathPrefix(url.uri().getPath());
        }
        Rest5Client rest = builder.build();
        return new ElasticsearchClient(new Rest5ClientTransport(rest, new JacksonJsonpMapper(), null, NoopInstrumentation.INSTANCE));
    }

    /**
     * Both headers on every request (the client sends a body media type even on HEAD and GET), keeping
     * the media subtype so bulk requests stay ndjson.
     */
    private static void declareCompatibility(HttpRequest request) {
        for (String name : new String[] {"Accept", "Content-Type"}) {
            Header header = request.getFirstHeader(name);
            String value = header == null ? MEDIA_TYPE
                    : header.getValue().replaceAll("compatible-with=\\d+", "compatible-with=8");
            request.setHeader(name, value);
        }
    }
}
