package dev.observers.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/** A real HTTP server on loopback that records what webhooks deliver and answers with a chosen status. */
public final class HttpReceiver implements AutoCloseable {

    /** One request as received. */
    public record Request(String method, String path, Map<String, List<String>> headers, String body) {
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
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request r = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()), body);
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
