package dev.observers.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.observers.config.AmqpUrl;
import dev.observers.config.ObserversConfig;
import dev.observers.testing.BrokerServer;
import dev.observers.testing.TestServers;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@QuarkusTest
@TestProfile(PublishActionTest.Profile.class)
class PublishActionTest {

    /** The harness broker, and an exchange of this run's own so a shared RabbitMQ keeps no state between runs. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "observers.broker.url", TestServers.broker().toUrl(),
                    "observers.broker.exchange", TestServers.namespace(PublishActionTest.class),
                    "quarkus.log.category.\"qpid\".level", "WARN",
                    "quarkus.log.category.\"org.apache.qpid\".level", "WARN");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    PublishActions publishActions;

    @Inject
    ObserversConfig config;

    private Connection connection;
    private Channel channel;
    private String queue;

    @BeforeEach
    void bindQueue() throws Exception {
        connection = BrokerServer.connect(AmqpUrl.parse(config.broker().url().orElseThrow()));
        channel = connection.createChannel();
        channel.exchangeDeclare(config.broker().exchange(), "topic", true);
        queue = channel.queueDeclare().getQueue();
        channel.queueBind(queue, config.broker().exchange(), "blog.#");
    }

    @AfterEach
    void close() throws Exception {
        channel.exchangeDelete(config.broker().exchange());
        connection.close();
    }

    @Test
    void publishesTheEventAsJsonWithTheRenderedRoutingKeyAndTheIdempotencyKeyAsMessageId() throws Exception {
        Action action = publishActions.create(publish("blog.{{ entity_type }}.{{ event_type }}", Optional.empty()));

        action.execute(TestEvents.postInserted(), invocation("key-insert-1"));

        GetResponse got = next();
        assertThat(got.getEnvelope().getRoutingKey()).isEqualTo("blog.Post.INSERT");
        assertThat(got.getEnvelope().getExchange()).isEqualTo(config.broker().exchange());
        assertThat(got.getProps().getMessageId()).isEqualTo("key-insert-1");
        assertThat(got.getProps().getContentType()).isEqualTo("application/json");
        assertThat(got.getProps().getDeliveryMode()).isEqualTo(2);
        JsonNode body = JSON.readTree(got.getBody());
        assertThat(body.path("id").asText()).isEqualTo(TestEvents.EVENT_ID.toString());
        assertThat(body.path("event_type").asText()).isEqualTo("INSERT");
        assertThat(body.path("entity_type").asText()).isEqualTo("Post");
        assertThat(body.path("entity_id").asText()).isEqualTo(TestEvents.POST_ID.toString());
        assertThat(body.path("data").path("title").asText()).isEqualTo("Hello, world");
        assertThat(body.path("data").path("author").path("name").asText()).isEqualTo("Ada");
        assertThat(body.path("user_id").asText()).isEqualTo("17");
        assertThat(body.path("tenant_id").asText()).isEqualTo("acme");
        assertThat(body.path("timestamp").asText()).isEqualTo(TestEvents.AT.toString());
    }

    @Test
    void bodyTemplateReplacesTheJsonBody() throws Exception {
        Action action = publishActions.create(publish("blog.{{ entity_type }}.{{ data.status }}",
                Optional.of("{{ data.title }} by {{ data.author.name }}: {{ changes.status.old }} -> {{ changes.status.new }}")));

        action.execute(TestEvents.postPublished(), invocation("key-update-1"));

        GetResponse got = next();
        assertThat(got.getEnvelope().getRoutingKey()).isEqualTo("blog.Post.published");
        assertThat(new String(got.getBody(), StandardCharsets.UTF_8))
                .isEqualTo("Hello, world by Ada: draft -> published");
        assertThat(got.getProps().getContentType()).isEqualTo("text/plain");
    }

    @Test
    void eachSendIsConfirmedBeforeExecuteReturns() throws Exception {
        Action action = publishActions.create(publish("blog.{{ entity_type }}.{{ event_type }}", Optional.empty()));

        for (int i = 0; i < 20; i++) {
            action.execute(TestEvents.postInserted(), invocation("key-" + i));
        }

        assertThat(channel.messageCount(queue)).isEqualTo(20);
    }

    @Test
    void anExchangeOtherThanTheChannelsIsRefusedAtLoad() {
        var other = new ActionConfig.Publish(Optional.of("audit"), "blog.#", Optional.empty(), OptionalLong.empty());
        assertThatThrownBy(() -> publishActions.create(other))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'audit'")
                .hasMessageContaining("OBSERVERS_BROKER_EXCHANGE");
    }

    @Test
    void theTargetNamesTheBrokerWithoutCredentials() {
        Action action = publishActions.create(publish("blog.x", Optional.empty()));
        AmqpUrl url = AmqpUrl.parse(config.broker().url().orElseThrow());
        assertThat(action.target()).isEqualTo(config.broker().exchange() + "@" + url.address());
        assertThat(action.target()).doesNotContain(url.password().orElse("\u0000"));
    }

    private GetResponse next() {
        AtomicReference<GetResponse> got = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            got.set(channel.basicGet(queue, true));
            return got.get() != null;
        });
        return got.get();
    }

    static ActionConfig.Publish publish(String routingKey, Optional<String> body) {
        return new ActionConfig.Publish(Optional.empty(), routingKey, body, OptionalLong.empty());
    }

    static Invocation invocation(String key) {
        return new Invocation("notify-subscribers", 1, key, Instant.now().plusSeconds(10));
    }
}
