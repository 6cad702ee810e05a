package dev.observers.action;

import com.fasterxml.jackson.databind.JsonNode;
import dev.observers.changelog.ChangeEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SlackActionTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Receiver slack;
    private final ChangeEvent event = Events.postUpdate("{\"title\": \"Launch\", \"status\": \"published\"}");

    @BeforeEach
    void start() {
        slack = new Receiver();
    }

    @AfterEach
    void stop() {
        slack.close();
    }

    @AfterAll
    static void closeClient() {
        HTTP.close();
    }

    private SlackAction slack(String channel, String template) {
        var config = new ActionConfig.Slack(Optional.empty(), Optional.of("SLACK_URL"), Optional.ofNullable(channel),
                Optional.ofNullable(template), OptionalLong.empty());
        return SlackAction.from(config, HTTP,
                Map.of("SLACK_URL", slack.base() + "/services/T000/B000/XXXXSECRET")::get);
    }

    @Test
    void postsTheRenderedMessageToTheChannel() throws Exception {
        slack("#posts", "*{{ data.title }}* is now {{ changes.status.new }}").execute(event, Events.invocation());

        Receiver.Request request = slack.take();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.uri().getPath()).isEqualTo("/services/T000/B000/XXXXSECRET");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        JsonNode body = Events.parse(request.body());
        assertThat(body.get("text").asText()).isEqualTo("*Launch* is now published");
        assertThat(body.get("channel").asText()).isEqualTo("#posts");
        assertThat(body.size()).isEqualTo(2);
    }

    @Test
    void withoutATemplateSendsFraiseqlsSummaryLine() throws Exception {
        slack(null, null).execute(event, Events.invocation());

        JsonNode body = Events.parse(slack.take().body());
        assertThat(body.get("text").asText())
                .isEqualTo("Event: UPDATE on Post (ID: 7c9e6679-7425-40de-944b-e07fc1f90ae7)");
        assertThat(body.has("channel")).isFalse();
    }

    @Test
    void failuresAreClassifiedLikeWebhooksWithoutTheSecretPath() {
        slack.answering(404, "no_team");
        ActionFailure gone = catchThrowableOfType(ActionFailure.class,
                () -> slack(null, null).execute(event, Events.invocation()));
        assertThat(gone.kind()).isEqualTo(ActionFailure.Kind.PERMANENT);
        assertThat(gone.getMessage()).contains("slack to http://127.0.0.1:", "HTTP 404", "no_team")
                .doesNotContain("XXXXSECRET");

        slack.answering(429, "rate_limited");
        ActionFailure limited = catchThrowableOfType(ActionFailure.class,
                () -> slack(null, null).execute(event, Events.invocation()));
        assertThat(limited.kind()).isEqualTo(ActionFailure.Kind.TRANSIENT);
        assertThat(limited.errorType()).isEqualTo("http_429");
    }

    @Test
    void anUnsetUrlVariableIsNamed() {
        var config = new ActionConfig.Slack(Optional.empty(), Optional.of("SLACK_URL"), Optional.empty(),
                Optional.empty(), OptionalLong.empty());
        assertThatThrownBy(() -> SlackAction.from(config, HTTP, Map.<String, String>of()::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SLACK_URL");
    }
}
