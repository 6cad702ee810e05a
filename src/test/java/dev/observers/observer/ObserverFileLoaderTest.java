package dev.observers.observer;

import dev.observers.action.ActionConfig;
import dev.observers.changelog.EventKind;
import dev.observers.dispatch.BackoffStrategy;
import dev.observers.dispatch.FailurePolicy;
import dev.observers.dispatch.RetryPolicy;
import dev.observers.observer.condition.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObserverFileLoaderTest {

    @TempDir
    Path dir;

    @Test
    void loadsTheShippedExample() {
        List<ObserverDefinition> observers = ObserverFileLoader.load(Path.of("examples/observers.yaml"));

        assertThat(observers).extracting(ObserverDefinition::name)
                .containsExactly("post_published", "new_user", "comment_activity");
        ObserverDefinition published = observers.getFirst();
        assertThat(published.eventTypes()).containsExactly(EventKind.UPDATE);
        assertThat(published.entity()).isEqualTo("Post");
        assertThat(published.conditionSource()).contains("field_changed_to('status', 'published')");
        assertThat(published.actions()).extracting(ActionConfig::type).containsExactly("log", "webhook");
        assertThat(published.retry()).isEqualTo(new RetryPolicy(5, 100, 30_000, BackoffStrategy.EXPONENTIAL));
        assertThat(published.onFailure()).isEqualTo(FailurePolicy.DLQ);
        assertThat(published.origin()).isEqualTo("examples/observers.yaml:4");
        assertThat(observers.get(2).eventTypes()).containsExactly(EventKind.INSERT, EventKind.DELETE);
        assertThat(observers.get(1).retry()).isEqualTo(RetryPolicy.DEFAULT);
        assertThat(observers.get(1).onFailure()).isEqualTo(FailurePolicy.LOG);
    }

    @Test
    void readsEveryActionTypeWithItsDefaults() throws IOException {
        Path file = write("all.yaml", """
                observers:
                  everything:
                    event_type: [insert, Update]
                    actions:
                      - type: log
                        message_template: "hello {{ data.name }}"
                      - type: Webhook
                        url: https://hooks.example.com/in
                        headers: {X-Team: ops}
                        timeout_ms: 2500
                      - type: webhook
                        url_env: HOOK_URL
                        method: put
                        body_template: '{"id": "{{ entity_id }}"}'
                        signing_secret_env: HOOK_SECRET
                      - type: slack
                        webhook_url_env: SLACK_URL
                        channel: "#orders"
                        message_template: new order
                      - type: email
                        to_template: "{{ data.email }}"
                        subject: Welcome
                        body_template: Hi {{ data.name }}
                        reply_to: help@example.com
                      - type: cache
                        key_pattern: "order:{{ entity_id }}"
                      - type: cache
                        key_pattern: ["a:*", "b:*"]
                        action: invalidate
                      - type: database
                        function_name: app.fn_notify
                        params: {channel: orders, urgent: true, tries: 3, tags: [x, y], none: null}
                      - type: publish
                        exchange: ""
                        routing_key: "order.{{ event_type }}"
                """);

        ObserverDefinition o = ObserverFileLoader.load(file).getFirst();

        assertThat(o.eventTypes()).containsExactly(EventKind.INSERT, EventKind.UPDATE);
        assertThat(o.entity()).isEqualTo(ObserverDefinition.ALL_ENTITIES);
        assertThat(o.condition()).isEmpty();
        assertThat(o.retry()).isEqualTo(RetryPolicy.DEFAULT);
        Map<String, Object> params = new java.util.LinkedHashMap<>();
        params.put("channel", "orders");
        params.put("urgent", true);
        params.put("tries", 3);
        params.put("tags", List.of("x", "y"));
        params.put("none", null);
        assertThat(o.actions()).containsExactly(
                new ActionConfig.Log("info", "hello {{ data.name }}", OptionalLong.empty()),
                new ActionConfig.Webhook(Optional.of("https://hooks.example.com/in"), Optional.empty(), "POST",
                        Map.of("X-Team", "ops"), Optional.empty(), Optional.empty(), OptionalLong.of(2500)),
                new ActionConfig.Webhook(Optional.empty(), Optional.of("HOOK_URL"), "PUT", Map.of(),
                        Optional.of("{\"id\": \"{{ entity_id }}\"}"), Optional.of("HOOK_SECRET"), OptionalLong.empty()),
                new ActionConfig.Slack(Optional.empty(), Optional.of("SLACK_URL"), Optional.of("#orders"),
                        Optional.of("new order"), OptionalLong.empty()),
                new ActionConfig.Email(Optional.empty(), Optional.of("{{ data.email }}"), Optional.of("Welcome"),
                        Optional.empty(), "Hi {{ data.name }}", Optional.of("help@example.com"), OptionalLong.empty()),
                new ActionConfig.Cache(List.of("order:{{ entity_id }}"), "invalidate", OptionalLong.empty()),
                new ActionConfig.Cache(List.of("a:*", "b:*"), "invalidate", OptionalLong.empty()),
                new ActionConfig.Database("app.fn_notify", params, OptionalLong.empty()),
                new ActionConfig.Publish(Optional.of(""), "order.{{ event_type }}", Optional.empty(),
                        OptionalLong.empty()));
    }

    @Test
    void acceptsTheBareMapOfDefinitionsAndJson() throws IOException {
        Path yaml = write("bare.yaml", """
                order_created:
                  event_type: INSERT
                  entity: Order
                  condition: total > 100 && customer.tier == gold
                  actions: [{type: log, level: WARN, message_template: big order}]
                  retry: {max_attempts: 1, backoff_strategy: fixed}
                  on_failure: alert
                """);
        Path json = write("observers.json", """
                {"observers": {
                  "a": {"event_type": "DELETE", "entity": "User",
                        "actions": [{"type": "log", "message_template": "gone"}]},
                  "b": {"event_type": ["CUSTOM"], "actions": [{"type": "log", "message_template": "x"}]}
                }}""");

        ObserverDefinition order = ObserverFileLoader.load(yaml).getFirst();
        assertThat(order.name()).isEqualTo("order_created");
        assertThat(order.origin()).isEqualTo(yaml + ":1");
        assertThat(order.retry()).isEqualTo(new RetryPolicy(1, 100, 30_000, BackoffStrategy.FIXED));
        assertThat(order.onFailure()).isEqualTo(FailurePolicy.ALERT);
        assertThat(order.actions().getFirst()).isEqualTo(new ActionConfig.Log("warn", "big order", OptionalLong.empty()));
        assertThat(order.evaluate(TestEvents.insert("Order", """
                {"total": 150, "customer": {"tier": "gold"}}"""))).isEqualTo(Outcome.TRUE);

        assertThat(ObserverFileLoader.load(json)).extracting(ObserverDefinition::name, ObserverDefinition::origin,
                        ObserverDefinition::eventTypes)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a", json + ":2", Set.of(EventKind.DELETE)),
                        org.assertj.core.groups.Tuple.tuple("b", json + ":4", Set.of(EventKind.CUSTOM)));
    }

    @Test
    void reportsEveryProblemOfTheFileWithLineColumnAndFieldPath() throws IOException {
        Path file = write("observers.yaml", """
                observers:
                  order_created:
                    evnt_type: INSERT
                    condition: "total > 100 && (status == shipped"
                    actions:
                      - type: log
                        level: loud
                        message_template: hi
                      - type: webhook
                        method: POST
                        signing_secret: s3cret
                    retry:
                      max_attempts: 0
                      backoff: linear
                    on_failure: page
                  cache_refresh:
                    event_type: [UPDATE, UPSERT]
                    actions:
                      - type: cache
                        key_pattern: "p:*"
                        action: refresh
                        timeout_ms: 0
                      - type: database
                        function_name: "x; drop table users"
                      - type: sms
                      - message_template: no type
                      - type: kafka
                      - type: email
                        body_template: hi
                      - type: slack
                        channel: x
                      - type: publish
                        exchange: amq.topic
                      - type: webhook
                        url: ftp://example.com
                        url_env: 1BAD
                        headers: {X-Count: 5}
                  empty_actions:
                    event_type: DELETE
                    condition: ""
                    actions: []
                  slow:
                    event_type: INSERT
                    actions: [{type: log, message_template: x}]
                    retry: {initial_delay_ms: 60000}
                """);

        assertThatThrownBy(() -> ObserverFileLoader.load(file))
                .isInstanceOfSatisfying(ObserverConfigException.class, e -> assertThat(e.problems())
                        .map(ObserverProblem::toString).containsExactly(
                                file + ":3:5: observers.order_created.evnt_type: unknown field (did you mean"
                                        + " 'event_type'?); expected one of event_type, entity, lookups, condition,"
                                        + " actions, retry, on_failure, max_wait_ms",
                                file + ":3:5: observers.order_created.event_type: required: one of INSERT, UPDATE,"
                                        + " DELETE, CUSTOM, or a list of them",
                                file + ":4:16: observers.order_created.condition: at column 34 of the condition:"
                                        + " expected ')' to close the '(' at column 16, got the end of the condition",
                                file + ":7:16: observers.order_created.actions[0].level: expected one of trace,"
                                        + " debug, info, warn, error, got 'loud'",
                                file + ":9:9: observers.order_created.actions[1].url: webhook needs url or url_env",
                                file + ":11:9: observers.order_created.actions[1].signing_secret: a literal"
                                        + " signing_secret is not supported: put the secret in an environment"
                                        + " variable and name it in signing_secret_env",
                                file + ":13:21: observers.order_created.retry.max_attempts: expected a whole number"
                                        + " of at least 1, got the number 0",
                                file + ":14:7: observers.order_created.retry.backoff: unknown field; the retry block"
                                        + " calls it backoff_strategy (exponential, linear or fixed)",
                                file + ":15:17: observers.order_created.on_failure: expected one of log, alert, dlq,"
                                        + " got 'page'",
                                file + ":17:26: observers.cache_refresh.event_type[1]: expected one of INSERT, UPDATE,"
                                        + " DELETE, CUSTOM, got the text 'UPSERT'",
                                file + ":21:17: observers.cache_refresh.actions[0].action: expected 'invalidate' (the"
                                        + " only cache action), got 'refresh'",
                                file + ":22:21: observers.cache_refresh.actions[0].timeout_ms: expected a whole number"
                                        + " of at least 1, got the number 0",
                                file + ":24:24: observers.cache_refresh.actions[1].function_name: expected a plain or"
                                        + " schema-qualified SQL identifier ([A-Za-z_][A-Za-z0-9_]*, optionally"
                                        + " schema.name), got 'x; drop table users'",
                                file + ":25:15: observers.cache_refresh.actions[2].type: 'sms' actions have no"
                                        + " transport (FraiseQL refuses them too); use a webhook",
                                file + ":26:9: observers.cache_refresh.actions[3].type: required: one of log, webhook,"
                                        + " slack, email, cache, database, publish",
                                file + ":27:15: observers.cache_refresh.actions[4].type: expected one of log, webhook,"
                                        + " slack, email, cache, database, publish, got the text 'kafka'",
                                file + ":28:9: observers.cache_refresh.actions[5].to: email needs to or to_template",
                                file + ":28:9: observers.cache_refresh.actions[5].subject: email needs subject or"
                                        + " subject_template",
                                file + ":30:9: observers.cache_refresh.actions[6].webhook_url: slack needs webhook_url"
                                        + " or webhook_url_env",
                                file + ":32:9: observers.cache_refresh.actions[7].routing_key: required: the routing"
                                        + " key template",
                                file + ":35:14: observers.cache_refresh.actions[8].url: expected an http:// or"
                                        + " https:// URL, got 'ftp://example.com'",
                                file + ":36:18: observers.cache_refresh.actions[8].url_env: expected the name of an"
                                        + " environment variable (letters, digits, _), got '1BAD'",
                                file + ":37:28: observers.cache_refresh.actions[8].headers.X-Count: expected text, got"
                                        + " the number 5 (quote it)",
                                file + ":40:16: observers.empty_actions.condition: at column 1 of the condition:"
                                        + " expected a condition, got an empty text",
                                file + ":41:14: observers.empty_actions.actions: expected at least one action; an"
                                        + " observer without actions does nothing",
                                file + ":45:12: observers.slow.retry.max_delay_ms: expected at least initial_delay_ms"
                                        + " (60000), got 30000 (the default)"))
                .hasMessageStartingWith("invalid observer definitions (26 problems):\n  " + file + ":3:5: ");
    }

    @Test
    void readsMaxWaitMsAsTheObserversBreakerWaitBound() throws IOException {
        Path file = write("wait.yaml", """
                observers:
                  patient:
                    event_type: INSERT
                    actions: [{type: log, message_template: x}]
                    max_wait_ms: 250
                  default:
                    event_type: INSERT
                    actions: [{type: log, message_template: x}]
                """);

        List<ObserverDefinition> observers = ObserverFileLoader.load(file);

        assertThat(observers).extracting(ObserverDefinition::maxWait)
                .containsExactly(Optional.of(java.time.Duration.ofMillis(250)), Optional.empty());
    }

    @Test
    void refusesAMaxWaitMsThatIsNotAPositiveWholeNumberNamingFileLineAndField() throws IOException {
        assertProblems(write("bad_wait.yaml", """
                observers:
                  negative:
                    event_type: INSERT
                    actions: [{type: log, message_template: x}]
                    max_wait_ms: -5
                  text:
                    event_type: INSERT
                    actions: [{type: log, message_template: x}]
                    max_wait_ms: "abc"
                  zero:
                    event_type: INSERT
                    actions: [{type: log, message_template: x}]
                    max_wait_ms: 0
                """),
                ":5:18: observers.negative.max_wait_ms: expected a whole number of at least 1, got the number -5",
                ":9:18: observers.text.max_wait_ms: expected a whole number of at least 1, got the text 'abc'",
                ":13:18: observers.zero.max_wait_ms: expected a whole number of at least 1, got the number 0");
    }

    @Test
    void refusesAFileWhoseStructureIsWrong() throws IOException {
        assertProblems(write("list.yaml", "- a\n- b\n"), ":1:1: expected 'observers:' and a map of observer name to"
                + " definition, got a list");
        assertProblems(write("empty.yaml", "# nothing here\n"), ": the file is empty; expected 'observers:' and a map"
                + " of observer name to definition");
        assertProblems(write("null.yaml", "observers:\nredis: {url: x}\n"),
                ":1:11: observers: expected a map of observer name to definition (use {} for none), got null",
                ":2:1: redis: unknown top-level field; this file holds observer definitions under 'observers'"
                        + " and projections under 'projections' only"
                        + " (FraiseQL's runtime settings are OBSERVERS_* environment variables here)");
        assertProblems(write("scalar.yaml", "observers:\n  a: INSERT\n"), ":2:6: observers.a: expected a map with"
                + " event_type, entity, lookups, condition, actions, retry, on_failure, max_wait_ms, got the text"
                + " 'INSERT'");
        assertProblems(write("dup.yaml", """
                a: {event_type: INSERT, actions: [{type: log, message_template: x}]}
                a: {event_type: UPDATE, actions: [{type: log, message_template: y}]}
                """), ":2:1: a: duplicate key; it is first set at line 1");
        assertProblems(write("two.yaml", "observers: {}\n---\nobservers: {}\n"), ":3:1: expected a single YAML document, found another"
                + " one here");
        assertThat(ObserverFileLoader.load(write("none.yaml", "observers: {}\n"))).isEmpty();
    }

    @Test
    void reportsSyntaxErrorsWhereTheyAre() throws IOException {
        Path yaml = write("bad.yaml", "observers:\n  a:\n    event_type: [INSERT\n    entity: x\n");
        assertThatThrownBy(() -> ObserverFileLoader.load(yaml))
                .isInstanceOfSatisfying(ObserverConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .satisfies(p -> {
                            assertThat(p.line()).isEqualTo(4);
                            assertThat(p.column()).isEqualTo(11);
                            assertThat(p.message()).isEqualTo("not valid YAML: expected ',' or ']', but got :"
                                    + " (while parsing a flow sequence at line 3, column 17)");
                        }));
        Path json = write("bad.json", "{\"observers\": {\"a\": }}");
        assertThatThrownBy(() -> ObserverFileLoader.load(json))
                .isInstanceOfSatisfying(ObserverConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .satisfies(p -> {
                            assertThat(p.line()).isEqualTo(1);
                            assertThat(p.column()).isEqualTo(21);
                            assertThat(p.message()).startsWith("not valid JSON: Unexpected character ('}'");
                        }));
        assertProblems(dir.resolve("missing.yaml"), ": no such file");
    }

    @Test
    void sharesCommonPartsThroughYamlAnchorsAliasesAndMergeKeys() throws IOException {
        Path file = write("shared.yaml", """
                observers:
                  base: &base
                    event_type: INSERT
                    entity: Order
                    actions: &notify [{type: log, message_template: "order {{ entity_id }}"}]
                    on_failure: dlq
                  refunds:
                    <<: *base
                    event_type: UPDATE
                    condition: field_changed_to('status', 'refunded')
                  users:
                    event_type: DELETE
                    entity: User
                    actions: *notify
                """);

        List<ObserverDefinition> observers = ObserverFileLoader.load(file);

        ObserverDefinition refunds = observers.get(1);
        assertThat(refunds.eventTypes()).containsExactly(EventKind.UPDATE);
        assertThat(refunds.entity()).isEqualTo("Order");
        assertThat(refunds.onFailure()).isEqualTo(FailurePolicy.DLQ);
        assertThat(refunds.conditionSource()).contains("field_changed_to('status', 'refunded')");
        assertThat(observers.get(2).actions()).isEqualTo(observers.getFirst().actions());
        assertProblems(write("alias.yaml", "observers:\n  a:\n    event_type: INSERT\n    actions: *missing\n"),
                ":3:5: observers.a.actions: required: a list of actions, each with a type (log, webhook, slack,"
                        + " email, cache, database, publish)",
                ":4:14: unknown YAML alias *missing");
    }

    private void assertProblems(Path file, String... suffixes) {
        assertThatThrownBy(() -> ObserverFileLoader.load(file))
                .isInstanceOfSatisfying(ObserverConfigException.class, e -> assertThat(e.problems())
                        .map(ObserverProblem::toString)
                        .containsExactly(java.util.Arrays.stream(suffixes).map(s -> file + s).toArray(String[]::new)));
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
