package dev.observers.search;

import com.sun.net.httpserver.HttpServer;
import dev.observers.config.HttpUrl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one sanctioned stand-in for Elasticsearch: serves responses recorded from real nodes and from
 * the reference's documented shapes ({@code src/test/resources/es-responses/}, provenance in its
 * README), because no obtainable 8.x/9.x node has ILM. Answers only what a test set up (anything else
 * is a 599, so an unexpected request fails the test) and records every request it got.
 */
final class RecordedElasticsearch implements AutoCloseable {

    /** A request as received: headers lowercased, the first value of each. */
    record Received(String method, String path, Map<String, String> headers, String body) {
    }

    private static final Pattern STATUS = Pattern.compile(".*\\.(\\d{3})\\.json");

    private final HttpServer server;
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    RecordedElasticsearch() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            Map<String, String> headers = new ConcurrentHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values.getFirst()));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(method, path, headers, body));
            String file = answers.get(method + " " + path);
            int status = 599;
            byte[] out = ("{\"error\":\"the stand-in has no recorded answer to " + method + " " + path + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            if (file != null) {
                Matcher m = STATUS.matcher(file);
                if (!m.matches()) {
                    throw new IllegalArgumentException(file + " does not end in .<status>.json");
                }
                status = Integer.parseInt(m.group(1));
                out = recorded(file);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.elasticsearch+json;compatible-with=8");
            exchange.getResponseHeaders().add("X-elastic-product", "Elasticsearch");
            exchange.sendResponseHeaders(status, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
    }

    /** Answers {@code method path} with the recorded {@code file} of es-responses/ (status from its name). */
    RecordedElasticsearch answer(String method, String path, String file) {
        recorded(file);
        answers.put(method + " " + path, file);
        return this;
    }

    HttpUrl url() {
        return HttpUrl.parse("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    List<String> requestLines() {
        return received.stream().map(r -> r.method() + " " + r.path()).toList();
    }

    static byte[] recorded(String file) {
        try (InputStream in = RecordedElasticsearch.class.getResourceAsStream("/es-responses/" + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no recorded response es-responses/" + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
