package dev.observers.cli;

import com.sun.net.httpserver.HttpServer;
import dev.observers.action.WebhookSignature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/** The demo's stand-in for a user's webhook receiver: a loopback HTTP server that counts deliveries. */
final class DemoReceiver implements AutoCloseable {

    private final HttpServer server;
    private final byte[] secret;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong badSignatures = new AtomicLong();

    private DemoReceiver(HttpServer server, byte[] secret) {
        this.server = server;
        this.secret = secret;
    }

    /** @param secret the webhook signing secret; a delivery counts only when its signature verifies */
    static DemoReceiver start(String secret) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            DemoReceiver receiver = new DemoReceiver(server, secret.getBytes(StandardCharsets.UTF_8));
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String signature = exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER);
                if (WebhookSignature.verify(receiver.secret, signature, body)) {
                    receiver.received.incrementAndGet();
                    exchange.sendResponseHeaders(204, -1);
                } else {
                    receiver.badSignatures.incrementAndGet();
                    exchange.sendResponseHeaders(401, -1);
                }
                exchange.close();
            });
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the demo's webhook receiver", e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/blog";
    }

    long received() {
        return received.get();
    }

    long badSignatures() {
        return badSignatures.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
