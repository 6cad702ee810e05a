package dev.observers.lookup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.observers.action.EventJson;
import dev.observers.action.Template;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One lookup made concrete for one event: the query with its parameter values, or the URL and headers
 * to GET. Two events that render the same request share a cache entry, whatever else differs.
 */
public sealed interface LookupRequest {

    /** The lookup this request belongs to. */
    String lookup();

    /** Everything that decides the answer, as text: what the cache key hashes. */
    String identity();

    /** A query and its parameter values, in {@code $n} order (JSON null for a path that leads nowhere). */
    record SqlQuery(String lookup, String query, List<JsonNode> params) implements LookupRequest {
        public SqlQuery {
            params = Collections.unmodifiableList(new ArrayList<>(params));
        }

        @Override
        public String identity() {
            ArrayNode values = JsonNodeFactory.instance.arrayNode();
            params.forEach(values::add);
            return "sql\n" + query + "\n" + EventJson.text(values);
        }
    }

    /** A GET of {@code uri} with {@code headers}. */
    record HttpGet(String lookup, URI uri, Map<String, String> headers) implements LookupRequest {
        public HttpGet {
            headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        }

        @Override
        public String identity() {
            StringBuilder text = new StringBuilder("http\n").append(uri.toASCIIString()).append('\n');
            Map<String, String> sorted = new TreeMap<>();
            headers.forEach((name, value) -> sorted.put(name.toLowerCase(Locale.ROOT), value));
            sorted.forEach((name, value) -> text.append(name).append(':').append(value).append('\n'));
            return text.toString();
        }
    }

    /**
     * {@code definition} rendered against an event tree ({@code EventJson}).
     *
     * @throws LookupException when the rendered URL is not a valid http(s) URL
     */
    static LookupRequest render(LookupDefinition definition, JsonNode event) throws LookupException {
        return switch (definition) {
            case LookupDefinition.Sql sql -> {
                List<JsonNode> values = new ArrayList<>();
                for (EventPath path : sql.params()) {
                    JsonNode value = path.resolve(event);
                    values.add(value == null ? NullNode.getInstance() : value);
                }
                yield new SqlQuery(sql.name(), sql.query(), values);
            }
            case LookupDefinition.Http http -> {
                String url = Template.compile(http.urlTemplate()).render(event, LookupRequest::urlEncode).strip();
                URI uri;
                try {
                    uri = new URI(url);
                } catch (URISyntaxException e) {
                    throw new LookupException(http.name(), "the URL rendered for this event is not valid ("
                            + e.getReason() + ")");
                }
                if (uri.getHost() == null || !List.of("http", "https").contains(String.valueOf(uri.getScheme())
                        .toLowerCase(Locale.ROOT))) {
                    throw new LookupException(http.name(), "the URL rendered for this event has no http(s) host");
                }
                Map<String, String> headers = new LinkedHashMap<>();
                http.headers().forEach((name, value) -> headers.put(name, Template.compile(value).render(event)));
                yield new HttpGet(http.name(), uri, headers);
            }
        };
    }

    /**
     * The cache key of {@code request}: {@code <prefix>lookup:<name>:<hash>}, the hash covering the
     * query or URL template's rendering, so an edited definition never reads its predecessor's results.
     */
    static String cacheKey(String prefix, LookupRequest request) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(request.identity().getBytes(StandardCharsets.UTF_8));
            return prefix + "lookup:" + request.lookup() + ":" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** An event value made safe anywhere in a URL: only unreserved characters stay as they are. */
    private static String urlEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
