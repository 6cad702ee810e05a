package dev.observers.action;

import dev.observers.testing.HarnessProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@QuarkusTest
@TestProfile(HarnessProfile.class)
class DefaultActionFactoryTest {

    @Inject
    ActionFactory factory;

    @Test
    void buildsOneActionClassPerType() throws Exception {
        Action log = factory.create(new ActionConfig.Log("info", "hi", OptionalLong.empty()));
        Action webhook = factory.create(new ActionConfig.Webhook(Optional.of("https://hooks.example.com/x"),
                Optional.empty(), "POST", Map.of(), Optional.empty(), Optional.empty(), OptionalLong.empty()));
        Action slack = factory.create(new ActionConfig.Slack(Optional.of("https://hooks.slack.com/services/T/B/X"),
                Optional.empty(), Optional.empty(), Optional.empty(), OptionalLong.empty()));
        Action database = factory.create(new ActionConfig.Database("pg_catalog.jsonb_typeof", Map.of(),
                OptionalLong.empty()));
        Action cache = factory.create(new ActionConfig.Cache(List.of("post:{{ data.id }}"), "invalidate",
                OptionalLong.empty()));

        assertThat(List.of(log, webhook, slack, database, cache)).extracting(Action::type)
                .containsExactly("log", "webhook", "slack", "database", "cache");
        assertThat(List.of(log, webhook, slack, database, cache)).hasExactlyElementsOfTypes(LogAction.class,
                WebhookAction.class, SlackAction.class, DatabaseAction.class, CacheAction.class);
        assertThat(webhook.target()).isEqualTo("https://hooks.example.com:443");
        database.execute(Events.insert("{}"), Events.invocation());
        cache.execute(Events.insert("{\"id\": 1}"), Events.invocation());
    }

    @Test
    void emailAndPublishSayWhatIsMissing() {
        assertThatThrownBy(() -> factory.create(new ActionConfig.Email(Optional.of("a@example.com"), Optional.empty(),
                Optional.of("s"), Optional.empty(), "b", Optional.empty(), OptionalLong.empty())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("set OBSERVERS_SMTP_HOST");
        assertThatThrownBy(() -> factory.create(new ActionConfig.Publish(Optional.empty(), "posts.{{ id }}",
                Optional.empty(), OptionalLong.empty())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("broker");
    }

    @Test
    void anUnsetUrlVariableIsNamed() {
        assertThatThrownBy(() -> factory.create(new ActionConfig.Webhook(Optional.empty(),
                Optional.of("OBSERVERS_TEST_UNSET_HOOK_URL"), "POST", Map.of(), Optional.empty(), Optional.empty(),
                OptionalLong.empty())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OBSERVERS_TEST_UNSET_HOOK_URL");
    }
}
