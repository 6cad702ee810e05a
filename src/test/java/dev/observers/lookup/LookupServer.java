package dev.observers.lookup;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real HTTP server on loopback standing in for a lookup's API: answers every GET after a chosen delay
 * with a chosen status and body (by default a JSON object naming the path), and counts the requests per
 * path, which is how tests and the benchmark count source calls.
 */
final class LookupServer implements AutoCloseable {

    /** What one request saw. */
    record Seen(String path, String rawQuery, Map<String, List<String>> headers) {
    }

    /** The answer to a request. */
    record Answer(int status, String contentType, String body) {
    }

    private final HttpServer server;
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile Duration delay = Duration.ZERO;
    private volatile Function<String, Answer> answer = LookupServer::pathAsJson;

    LookupServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1000);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        counts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        seen.add(new Seen(path, exchange.getRequestURI().getRawQuery(), Map.copyOf(exchange.getRequestHeaders())));
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Answer reply = answer.apply(path);
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static Answer pathAsJson(String path) {
        return new Answer(200, "application/json", "{\"path\":\"" + path + "\"}");
    }

    /** Back to prompt answers naming their path. */
    void reset() {
        delay = Duration.ZERO;
        answer = LookupServer::pathAsJson;
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Every answer waits this long first. */
    void delay(Duration delay) {
        this.delay = delay;
    }

    /** Chooses the answer per path. */
    void answer(Function<String, Answer> answer) {
        this.answer = answer;
    }

    /** Requests received for {@code path}. */
    int count(String path) {
        AtomicInteger count = counts.get(path);
        return count == null ? 0 : count.get();
    }

    /** Requests received in all. */
    int total() {
        return counts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    List<Seen> seen() {
        return seen;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
