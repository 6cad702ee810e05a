package dev.observers.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/** A real HTTP server on loopback that records what webhooks deliver and answers with a chosen status. */
public final class HttpReceiver implements AutoCloseable {

    /** One request as received, and when it arrived. */
    public record Request(String method, String path, Map<String, List<String>> headers, String body, Instant received) {
        public String header(String name) {
            for (var e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().getFirst();
                }
            }
            return null;
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> byEventId = new ConcurrentHashMap<>();
    private volatile ToIntFunction<String> status = body -> 200;

    public HttpReceiver() throws IOException {
        this(0);
    }

    /**
     * A receiver on {@code port} (0: any free one). A test can point a webhook at a port where nothing
     * listens yet, so its connections are refused, and later start the receiver there.
     */
    public HttpReceiver(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 200);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request r = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()), body, Instant.now());
            int code = status.applyAsInt(body);
            if (code < 300) {
                requests.add(r);
                String id = r.header("X-FraiseQL-Event-Id");
                if (id != null) {
                    byEventId.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                }
            }
            exchange.sendResponseHeaders(code, -1);
            exchange.close();
        });
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Chooses the status per request body. */
    public void respondWith(ToIntFunction<String> status) {
        this.status = status;
    }

    /** Requests answered with a success status. */
    public List<Request> requests() {
        return requests;
    }

    /** Successful deliveries per event id. */
    public Map<String, AtomicInteger> deliveriesByEventId() {
        return byEventId;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
