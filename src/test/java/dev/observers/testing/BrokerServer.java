package dev.observers.testing;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.observers.config.AmqpUrl;
import org.apache.qpid.server.SystemLauncher;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * The test AMQP 0-9-1 broker: configured ({@code OBSERVERS_TEST_AMQP_URL}), a RabbitMQ container, or
 * an embedded Apache Qpid Broker-J (in-memory, on a free loopback port, one plain user); see {@link TestServers}.
 */
public final class BrokerServer implements AutoCloseable {

    private static final String USER = "observers";
    private static final String PASSWORD = "observers-test";

    private final AmqpUrl url;
    private final String origin;
    private final SystemLauncher embedded;

    private BrokerServer(AmqpUrl url, String origin, SystemLauncher embedded) {
        this.url = url;
        this.origin = origin;
        this.embedded = embedded;
    }

    static BrokerServer start() {
        String configured = TestServers.env("OBSERVERS_TEST_AMQP_URL");
        if (configured != null) {
            return new BrokerServer(AmqpUrl.parse(configured), "OBSERVERS_TEST_AMQP_URL", null);
        }
        if (Docker.available()) {
            GenericContainer<?> c = new GenericContainer<>("rabbitmq:4-alpine")
                    .withExposedPorts(5672)
                    .waitingFor(Wait.forLogMessage(".*Server startup complete.*\\n", 1));
            c.start();
            return new BrokerServer(new AmqpUrl(false, c.getHost(), c.getMappedPort(5672), "guest",
                    Optional.of("guest"), "/"), "Testcontainers", null);
        }
        BrokerServer server;
        try {
            server = embedded(RedisServer.freePort());
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the embedded test AMQP broker", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        return server;
    }

    /** A private embedded broker on {@code port}, whatever the environment says: for tests that stop and restart one. */
    public static BrokerServer embedded(int port) {
        try {
            Path work = Files.createTempDirectory("observers-qpid-");
            Map<String, String> context = new HashMap<>();
            context.put("qpid.amqp_port", String.valueOf(port));
            context.put("qpid.work_dir", work.toString());
            Map<String, Object> attributes = new HashMap<>();
            attributes.put("type", "Memory");
            attributes.put("initialConfigurationLocation",
                    BrokerServer.class.getResource("/qpid-broker.json").toExternalForm());
            attributes.put("startupLoggedToSystemOut", false);
            attributes.put("context", context);
            SystemLauncher launcher = new SystemLauncher();
            launcher.startup(attributes);
            return new BrokerServer(new AmqpUrl(false, "127.0.0.1", port, USER, Optional.of(PASSWORD), "/"),
                    "embedded", launcher);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the embedded test AMQP broker (Qpid Broker-J) on port "
                    + port, e);
        }
    }

    public AmqpUrl url() {
        return url;
    }

    public String origin() {
        return origin;
    }

    /** A plain AMQP connection with the RabbitMQ Java client, for set-up and assertions. */
    public static Connection connect(AmqpUrl url) throws IOException, TimeoutException {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(url.host());
        factory.setPort(url.port());
        factory.setUsername(url.user());
        url.password().ifPresent(factory::setPassword);
        factory.setVirtualHost(url.virtualHost());
        if (url.tls()) {
            try {
                factory.useSslProtocol();
            } catch (Exception e) {
                throw new IOException("cannot set up TLS for " + url.redacted(), e);
            }
        }
        return factory.newConnection("observers-test");
    }

    /** Stops an embedded broker; a configured or containerised one is left alone. */
    @Override
    public void close() {
        if (embedded != null) {
            embedded.shutdown();
        }
    }
}
