package dev.observers.action;

import com.fasterxml.jackson.databind.JsonNode;
import dev.observers.changelog.ChangeEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class WebhookActionTest {

    private static final String SECRET = "whsec-Zm9vYmFyYmF6";
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private Receiver receiver;
    private final ChangeEvent event = Events.postUpdate("{\"title\": \"Hello\", \"status\": \"published\"}");

    @BeforeEach
    void start() {
        receiver = new Receiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @AfterAll
    static void closeClient() {
        HTTP.close();
    }

    private static ActionConfig.Webhook config(String url, String method, Map<String, String> headers,
                                               String bodyTemplate, String secretEnv) {
        return new ActionConfig.Webhook(Optional.ofNullable(url), Optional.empty(), method, headers,
                Optional.ofNullable(bodyTemplate), Optional.ofNullable(secretEnv), OptionalLong.empty());
    }

    private static WebhookAction webhook(ActionConfig.Webhook config) {
        return WebhookAction.from(config, HTTP, Map.of("HOOK_SECRET", SECRET)::get);
    }

    @Test
    void postsTheEventAsJsonWithItsIdAndIdempotencyKey() throws Exception {
        Invocation invocation = Events.invocation();
        webhook(config(receiver.base() + "/hooks/post", "POST", Map.of(), null, null)).execute(event, invocation);

        Receiver.Request request = receiver.take();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.uri().getPath()).isEqualTo("/hooks/post");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("X-FraiseQL-Event-Id")).isEqualTo(event.id().toString());
        assertThat(request.header("Idempotency-Key")).isEqualTo(invocation.idempotencyKey());
        assertThat(request.header("X-FraiseQL-Signature-256")).isNull();
        assertThat(Events.parse(request.body())).isEqualTo(EventJson.of(event));
    }

    @Test
    void signsTheExactBodyAsFraiseqlDoes() throws Exception {
        long before = System.currentTimeMillis() / 1000;
        webhook(config(receiver.base(), "POST", Map.of(), null, "HOOK_SECRET")).execute(event, Events.invocation());

        Receiver.Request request = receiver.take();
        String signature = request.header("X-FraiseQL-Signature-256");
        assertThat(signature).matches("t=\\d+,v1=[0-9a-f]{64}");
        long t = Long.parseLong(signature.substring(2, signature.indexOf(',')));
        assertThat(t).isBetween(before, System.currentTimeMillis() / 1000);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal((t + "." + request.body()).getBytes(StandardCharsets.UTF_8)));
        assertThat(signature).endsWith(",v1=" + expected);
    }

    @Test
    void rendersMethodHeadersAndBodyTemplate() throws Exception {
        webhook(config(receiver.base() + "/t", "put", Map.of("X-Post", "{{ entity_type }}:{{ data.title }}",
                        "Content-Type", "application/vnd.post+json"),
                "{\"title\": \"{{ data.title }}\", \"new\": {{ changes.status.new }}, \"event\": \"{{ id }}\"}",
                "HOOK_SECRET"))
                .execute(event, Events.invocation());

        Receiver.Request request = receiver.take();
        assertThat(request.method()).isEqualTo("PUT");
        assertThat(request.header("X-Post")).isEqualTo("Post:Hello");
        assertThat(request.header("Content-Type")).isEqualTo("application/vnd.post+json");
        JsonNode body = Events.parse(request.body());
        assertThat(body.get("title").asText()).isEqualTo("Hello");
        assertThat(body.get("new").asText()).isEqualTo("published");
        assertThat(body.get("event").asText()).isEqualTo(event.id().toString());
    }

    @Test
    void aPlainTextBodyTemplateIsSentAsAJsonString() throws Exception {
        webhook(config(receiver.base(), null, Map.of(), "Post {{ data.title }} is {{ status }}", null))
                .execute(event, Events.invocation());

        assertThat(receiver.take().body()).isEqualTo("\"Post Hello is published\"");
    }

    @Test
    void theDaemonsOwnHeadersCannotBeOverridden() throws Exception {
        Invocation invocation = Events.invocation();
        webhook(config(receiver.base(), "POST", Map.of("X-FraiseQL-Event-Id", "fixed", "idempotency-key", "fixed"),
                null, null)).execute(event, invocation);

        Receiver.Request request = receiver.take();
        assertThat(request.header("X-FraiseQL-Event-Id")).isEqualTo(event.id().toString());
        assertThat(request.header("Idempotency-Key")).isEqualTo(invocation.idempotencyKey());
    }

    @Test
    void urlEnvIsResolvedAtCreation() throws Exception {
        var config = new ActionConfig.Webhook(Optional.empty(), Optional.of("ORDERS_HOOK"), "POST", Map.of(),
                Optional.empty(), Optional.empty(), OptionalLong.empty());
        WebhookAction action = WebhookAction.from(config, HTTP, Map.of("ORDERS_HOOK", receiver.base() + "/env")::get);
        action.execute(event, Events.invocation());

        assertThat(receiver.take().uri().getPath()).isEqualTo("/env");
        assertThat(action.target()).isEqualTo("http://127.0.0.1:" + receiver.port());
    }

    @Test
    void missingEnvironmentVariablesAreNamedAtCreation() {
        var urlFromEnv = new ActionConfig.Webhook(Optional.empty(), Optional.of("ORDERS_HOOK"), "POST", Map.of(),
                Optional.empty(), Optional.empty(), OptionalLong.empty());
        assertThatThrownBy(() -> WebhookAction.from(urlFromEnv, HTTP, Map.<String, String>of()::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ORDERS_HOOK");
        assertThatThrownBy(() -> WebhookAction.from(config(receiver.base(), "POST", Map.of(), null, "NO_SUCH_SECRET"),
                HTTP, Map.<String, String>of()::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NO_SUCH_SECRET");
    }

    @Test
    void badDefinitionsAreRefusedAtCreation() {
        assertThatThrownBy(() -> webhook(config("ftp://files.example/x", "POST", Map.of(), null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://");
        assertThatThrownBy(() -> webhook(config(null, "POST", Map.of(), null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("url or url_env");
        assertThatThrownBy(() -> webhook(config(receiver.base(), "POST", Map.of("Host", "evil"), null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Host");
        assertThatThrownBy(() -> webhook(config(receiver.base(), "PO ST", Map.of(), null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("method");
        assertThatThrownBy(() -> webhook(config(receiver.base(), "POST", Map.of(), "{{ data.title", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no closing");
    }

    @ParameterizedTest(name = "HTTP {0} is {1} ({2})")
    @CsvSource({
            "200, , ",
            "204, , ",
            "400, PERMANENT, http_4xx",
            "404, PERMANENT, http_4xx",
            "408, TRANSIENT, http_4xx",
            "429, TRANSIENT, http_429",
            "500, TRANSIENT, http_5xx",
            "503, TRANSIENT, http_5xx",
    })
    void classifiesTheReceiversAnswer(int status, ActionFailure.Kind kind, String errorType) {
        receiver.answering(status, status >= 300 ? "{\"error\": \"status " + status + "\"}" : "");
        WebhookAction action = webhook(config(receiver.base(), "POST", Map.of(), null, null));
        ActionFailure failure = catchThrowableOfType(ActionFailure.class,
                () -> action.execute(event, Events.invocation()));
        if (kind == null) {
            assertThat(failure).isNull();
        } else {
            assertThat(failure.kind()).isEqualTo(kind);
            assertThat(failure.errorType()).isEqualTo(errorType);
            assertThat(failure.getMessage()).contains("HTTP " + status).contains("status " + status);
        }
    }

    @Test
    void aSlowReceiverTimesOutAtTheDeadlineAsTransient() {
        receiver.delaying(Duration.ofSeconds(3));
        WebhookAction action = webhook(config(receiver.base(), "POST", Map.of(), null, null));
        long start = System.nanoTime();
        ActionFailure failure = catchThrowableOfType(ActionFailure.class,
                () -> action.execute(event, Events.invocation(Duration.ofMillis(300))));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(failure.kind()).isEqualTo(ActionFailure.Kind.TRANSIENT);
        assertThat(failure.errorType()).isEqualTo("timeout");
    }

    @Test
    void anInterruptEndsTheRequestPromptly() throws Exception {
        receiver.delaying(Duration.ofSeconds(5));
        WebhookAction action = webhook(config(receiver.base(), "POST", Map.of(), null, null));
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                action.execute(event, Events.invocation());
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        receiver.take();
        caller.interrupt();
        assertThat(caller.join(Duration.ofSeconds(2))).isTrue();
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void aRefusedConnectionIsTransient() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        WebhookAction action = webhook(config("http://127.0.0.1:" + closedPort + "/x", "POST", Map.of(), null, null));
        ActionFailure failure = catchThrowableOfType(ActionFailure.class,
                () -> action.execute(event, Events.invocation()));
        assertThat(failure.kind()).isEqualTo(ActionFailure.Kind.TRANSIENT);
        assertThat(failure.errorType()).isEqualTo("connect");
    }

    @Test
    void secretsNeverReachFailureMessages() throws Exception {
        String url = receiver.base() + "/hook/tok-path-9f8e?token=tok-query-7d6c";
        String withUser = url.replace("http://", "http://deploy:pw-userinfo-5b4a@");
        receiver.answering(400, "rejected " + url + " token=tok-query-7d6c sig " + SECRET + " key tok-apikey-3c2b");
        WebhookAction action = webhook(config(withUser, "POST", Map.of("X-Api-Key", "tok-apikey-3c2b"), null,
                "HOOK_SECRET"));
        ActionFailure rejected = catchThrowableOfType(ActionFailure.class,
                () -> action.execute(event, Events.invocation()));

        Receiver.Request request = receiver.take();
        assertThat(request.header("Authorization"))
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString("deploy:pw-userinfo-5b4a".getBytes()));
        assertThat(request.uri().getQuery()).isEqualTo("token=tok-query-7d6c");
        receiver.close();
        ActionFailure refused = catchThrowableOfType(ActionFailure.class,
                () -> action.execute(event, Events.invocation()));

        for (ActionFailure failure : new ActionFailure[]{rejected, refused}) {
            assertThat(failure.getMessage()).contains("http://127.0.0.1:" + receiver.port())
                    .doesNotContain("tok-path-9f8e", "tok-query-7d6c", "pw-userinfo-5b4a", "tok-apikey-3c2b", SECRET);
            assertThat(failure.getCause()).isNull();
        }
        assertThat(action.target()).isEqualTo("http://127.0.0.1:" + receiver.port());
    }
}
