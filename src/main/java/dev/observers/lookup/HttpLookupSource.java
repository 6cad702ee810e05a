package dev.observers.lookup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Answers HTTP lookups with a GET through java.net.http. A 2xx body is the result (JSON when it parses,
 * else its text; an empty body is null); anything else fails. Messages name the target
 * ({@code scheme://host:port}), never the path or query, where API keys tend to live.
 */
public final class HttpLookupSource implements AutoCloseable {

    /** Largest body accepted: results are kept in memory and in Redis, so a runaway response must not be. */
    static final int MAX_BODY_BYTES = 1 << 20;

    private static final int SNIPPET_CHARS = 200;
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private final HttpClient client;
    private final Duration timeout;

    /** A source with its own client: {@code connectTimeout} to connect, {@code timeout} for the whole answer. */
    public HttpLookupSource(Duration connectTimeout, Duration timeout) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.timeout = timeout;
    }

    /** The result of a GET. */
    public JsonNode fetch(LookupRequest.HttpGet request) throws LookupException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri()).GET().timeout(timeout)
                .header("Accept", "application/json");
        request.headers().forEach(builder::setHeader);
        String what = "GET " + target(request.uri());
        HttpResponse<InputStream> response;
        try {
            response = client.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw new LookupException(request.lookup(), what + ": could not connect in time");
        } catch (HttpTimeoutException e) {
            throw new LookupException(request.lookup(), what + ": no answer within " + timeout.toMillis() + " ms");
        } catch (ConnectException e) {
            throw new LookupException(request.lookup(), what + ": could not connect (connection refused)");
        } catch (IOException e) {
            throw new LookupException(request.lookup(), what + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LookupException(request.lookup(), what + ": interrupted");
        }
        byte[] bytes;
        try (InputStream in = response.body()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            throw new LookupException(request.lookup(), what + ": the response broke off (" + e.getMessage() + ")");
        }
        String body = new String(bytes, 0, Math.min(bytes.length, MAX_BODY_BYTES), StandardCharsets.UTF_8);
        int status = response.statusCode();
        if (status / 100 != 2) {
            String snippet = body.strip();
            snippet = snippet.length() > SNIPPET_CHARS ? snippet.substring(0, SNIPPET_CHARS) + "…" : snippet;
            throw new LookupException(request.lookup(), what + " answered HTTP " + status
                    + (snippet.isEmpty() ? "" : ": " + snippet));
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new LookupException(request.lookup(), what + ": the response is larger than "
                    + MAX_BODY_BYTES + " bytes");
        }
        return result(body);
    }

    /** A response body as a result: its JSON value, else its text; null when empty. */
    static JsonNode result(String body) {
        if (body.isBlank()) {
            return NullNode.getInstance();
        }
        try {
            JsonNode json = JSON.readTree(body);
            return json == null || json.isMissingNode() ? TextNode.valueOf(body) : json;
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(body);
        }
    }

    /** {@code scheme://host:port}: safe to log. */
    static String target(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return scheme + "://" + uri.getHost() + ":" + port;
    }

    @Override
    public void close() {
        client.close();
    }
}
