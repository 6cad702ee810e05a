package dev.observers.observer;

import dev.observers.action.ActionConfig;
import dev.observers.changelog.EventKind;
import dev.observers.dispatch.BackoffStrategy;
import dev.observers.dispatch.FailurePolicy;
import dev.observers.dispatch.RetryPolicy;
import dev.observers.lookup.LookupDefinition;
import dev.observers.observer.ConfigNode.ListNode;
import dev.observers.observer.ConfigNode.MapNode;
import dev.observers.observer.ConfigNode.Mark;
import dev.observers.observer.ConfigNode.Member;
import dev.observers.observer.ConfigNode.Scalar;
import dev.observers.observer.condition.Condition;
import dev.observers.observer.condition.ConditionParser;
import dev.observers.observer.condition.ConditionSyntaxException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads FraiseQL's observer definition shape (event types, condition, actions, retry, failure policy),
 * plus this daemon's breaker wait bound, from a located tree, for a file and for {@code tb_observer}
 * rows alike, so both accept and refuse the same things with the same messages.
 */
final class DefinitionReader {

    /** The fields of a definition in a file. */
    static final List<String> DEFINITION_FIELDS =
            List.of("event_type", "entity", "lookups", "condition", "actions", "retry", "on_failure", "max_wait_ms");

    private static final List<String> RETRY_FIELDS =
            List.of("max_attempts", "initial_delay_ms", "max_delay_ms", "backoff_strategy");
    private static final List<String> EVENT_TYPES = List.of("INSERT", "UPDATE", "DELETE", "CUSTOM");
    private static final List<String> LOG_LEVELS = List.of("trace", "debug", "info", "warn", "error");

    /** The fields of each action type, besides {@code type} and {@code timeout_ms}. */
    private static final Map<String, List<String>> ACTION_FIELDS = actionFields();

    /** Action types FraiseQL declares but cannot deliver (it refuses them at load too). */
    private static final List<String> UNSUPPORTED_TYPES = List.of("sms", "push", "search");

    /** A plain or schema-qualified SQL identifier: the only shape interpolated into SQL. */
    private static final Pattern SQL_FUNCTION = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
    private static final Pattern HTTP_METHOD = Pattern.compile("[A-Za-z]+");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private final String source;
    private final Diagnostics diagnostics;

    DefinitionReader(String source, Diagnostics diagnostics) {
        this.source = source;
        this.diagnostics = diagnostics;
    }

    private static Map<String, List<String>> actionFields() {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        fields.put("log", List.of("level", "message_template"));
        fields.put("webhook", List.of("url", "url_env", "method", "headers", "body_template", "signing_secret_env"));
        fields.put("slack", List.of("webhook_url", "webhook_url_env", "channel", "message_template"));
        fields.put("email", List.of("to", "to_template", "subject", "subject_template", "body_template", "reply_to"));
        fields.put("cache", List.of("key_pattern", "action"));
        fields.put("database", List.of("function_name", "params"));
        fields.put("publish", List.of("exchange", "routing_key", "body_template"));
        return Collections.unmodifiableMap(fields);
    }

    /** The definition written under {@code name} in a file, or empty when it has problems (all reported). */
    Optional<ObserverDefinition> definition(String name, ConfigNode node, String path, String origin) {
        if (!(node instanceof MapNode map)) {
            diagnostics.error(source, node.mark(), path, "expected a map with " + String.join(", ", DEFINITION_FIELDS)
                    + ", got " + node.describe());
            return Optional.empty();
        }
        int before = diagnostics.count();
        Fields f = Fields.open(map, path, source, diagnostics, DEFINITION_FIELDS, Map.of());
        Set<EventKind> kinds = f.node("event_type").map(n -> eventTypes(n, f.pathOf("event_type"))).orElseGet(() -> {
            f.missing("event_type", "required: one of " + String.join(", ", EVENT_TYPES) + ", or a list of them");
            return Set.of();
        });
        String entity = f.text("entity").orElse(ObserverDefinition.ALL_ENTITIES);
        List<LookupDefinition> lookups = f.node("lookups")
                .map(n -> LookupsReader.read(n, f.pathOf("lookups"), source, diagnostics)).orElse(List.of());
        Optional<String> conditionSource = f.text("condition", true);
        Optional<Condition> condition = conditionSource.flatMap(text -> condition(f, "condition", text));
        List<ActionConfig> actions = f.node("actions")
                .map(n -> actions(n, f.pathOf("actions"), OptionalLong.empty()))
                .orElseGet(() -> {
                    f.missing("actions", "required: a list of actions, each with a type ("
                            + String.join(", ", ACTION_FIELDS.keySet()) + ")");
                    return List.of();
                });
        RetryPolicy retry = f.node("retry").map(n -> retry(n, f.pathOf("retry"), false)).orElse(RetryPolicy.DEFAULT);
        FailurePolicy onFailure = failurePolicy(f, "on_failure");
        Optional<Duration> maxWait = maxWait(f, "max_wait_ms");
        if (diagnostics.count() > before) {
            return Optional.empty();
        }
        return Optional.of(new ObserverDefinition(name, kinds, entity, condition, conditionSource, lookups, actions,
                retry, onFailure, maxWait, origin));
    }

    /** {@code INSERT} or {@code [INSERT, DELETE]}, case-insensitive. */
    Set<EventKind> eventTypes(ConfigNode node, String path) {
        List<ConfigNode> items = node instanceof ListNode list ? list.items() : List.of(node);
        if (items.isEmpty()) {
            diagnostics.error(source, node.mark(), path, "expected at least one of " + String.join(", ", EVENT_TYPES));
        }
        Set<EventKind> kinds = EnumSet.noneOf(EventKind.class);
        for (int i = 0; i < items.size(); i++) {
            ConfigNode item = items.get(i);
            String itemPath = node instanceof ListNode ? path + "[" + i + "]" : path;
            String text = item instanceof Scalar s && s.value().isTextual() ? s.value().textValue().strip() : null;
            if (text != null && EVENT_TYPES.contains(text.toUpperCase(Locale.ROOT))) {
                kinds.add(EventKind.valueOf(text.toUpperCase(Locale.ROOT)));
            } else {
                diagnostics.error(source, item.mark(), itemPath, "expected one of " + String.join(", ", EVENT_TYPES)
                        + ", got " + item.describe());
            }
        }
        return kinds;
    }

    /** The condition written in field {@code key}, compiled; a syntax error names its column in the text. */
    Optional<Condition> condition(Fields f, String key, String text) {
        try {
            return Optional.of(ConditionParser.parse(text));
        } catch (ConditionSyntaxException e) {
            f.error(key, "at column " + e.column() + " of the condition: " + e.reason());
            return Optional.empty();
        }
    }

    /** {@code on_failure}: log (the default), alert or dlq. */
    FailurePolicy failurePolicy(Fields f, String key) {
        return f.choice(key, List.of("log", "alert", "dlq"), "log")
                .map(p -> FailurePolicy.valueOf(p.toUpperCase(Locale.ROOT)))
                .orElse(FailurePolicy.LOG);
    }

    /** {@code max_wait_ms}: how long the observer's actions may wait on an open breaker, in milliseconds (at least 1). */
    Optional<Duration> maxWait(Fields f, String key) {
        OptionalLong ms = f.wholeNumber(key, 1);
        return ms.isPresent() ? Optional.of(Duration.ofMillis(ms.getAsLong())) : Optional.empty();
    }

    /** A non-empty list of actions; {@code defaultTimeout} applies to those without their own timeout_ms. */
    List<ActionConfig> actions(ConfigNode node, String path, OptionalLong defaultTimeout) {
        if (!(node instanceof ListNode list)) {
            diagnostics.error(source, node.mark(), path, "expected a list of actions, got " + node.describe());
            return List.of();
        }
        if (list.items().isEmpty()) {
            diagnostics.error(source, node.mark(), path, "expected at least one action; an observer without"
                    + " actions does nothing");
        }
        List<ActionConfig> actions = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            action(list.items().get(i), path + "[" + i + "]", defaultTimeout).ifPresent(actions::add);
        }
        return actions;
    }

    /** One action, tagged by {@code type}. */
    Optional<ActionConfig> action(ConfigNode node, String path, OptionalLong defaultTimeout) {
        if (!(node instanceof MapNode map)) {
            diagnostics.error(source, node.mark(), path, "expected a map with a type, got " + node.describe());
            return Optional.empty();
        }
        Member typeMember = map.members().get("type");
        if (typeMember == null || typeMember.value().isNull()) {
            diagnostics.error(source, map.mark(), path + ".type", "required: one of "
                    + String.join(", ", ACTION_FIELDS.keySet()));
            return Optional.empty();
        }
        String type = typeMember.value() instanceof Scalar s && s.value().isTextual()
                ? s.value().textValue().strip().toLowerCase(Locale.ROOT) : "";
        List<String> fields = ACTION_FIELDS.get(type);
        if (fields == null) {
            diagnostics.error(source, typeMember.value().mark(), path + ".type", UNSUPPORTED_TYPES.contains(type)
                    ? "'" + type + "' actions have no transport (FraiseQL refuses them too); use a webhook"
                    : "expected one of " + String.join(", ", ACTION_FIELDS.keySet()) + ", got "
                            + typeMember.value().describe());
            return Optional.empty();
        }
        List<String> known = Stream.concat(Stream.of("type", "timeout_ms"), fields.stream()).toList();
        Map<String, String> hints = type.equals("webhook")
                ? Map.of("signing_secret", "a literal signing_secret is not supported: put the secret in an"
                        + " environment variable and name it in signing_secret_env")
                : Map.of();
        int before = diagnostics.count();
        Fields f = Fields.open(map, path, source, diagnostics, known, hints);
        OptionalLong own = f.wholeNumber("timeout_ms", 1);
        OptionalLong timeout = own.isPresent() ? own : defaultTimeout;
        ActionConfig config = switch (type) {
            case "log" -> new ActionConfig.Log(
                    f.choice("level", LOG_LEVELS, "info").orElse("info"),
                    f.requiredText("message_template", "the line to log, with {{ field }} placeholders").orElse(null),
                    timeout);
            case "webhook" -> webhook(f, timeout);
            case "slack" -> slack(f, timeout);
            case "email" -> email(f, timeout);
            case "cache" -> cache(f, timeout);
            case "database" -> database(f, timeout);
            default -> new ActionConfig.Publish(
                    f.text("exchange", true),
                    f.requiredText("routing_key", "the routing key template").orElse(null),
                    f.text("body_template"),
                    timeout);
        };
        return diagnostics.count() > before ? Optional.empty() : Optional.of(config);
    }

    private ActionConfig webhook(Fields f, OptionalLong timeout) {
        Optional<String> url = f.url("url");
        Optional<String> urlEnv = f.envName("url_env");
        if (!f.has("url") && !f.has("url_env")) {
            f.missing("url", "webhook needs url or url_env");
        }
        String method = f.text("method").map(m -> {
            if (!HTTP_METHOD.matcher(m).matches()) {
                f.error("method", "expected an HTTP method such as POST or PUT, got '" + m + "'");
            }
            return m.toUpperCase(Locale.ROOT);
        }).orElse("POST");
        return new ActionConfig.Webhook(url, urlEnv, method, headers(f, "headers"), f.text("body_template"),
                f.envName("signing_secret_env"), timeout);
    }

    private Map<String, String> headers(Fields f, String key) {
        Optional<ConfigNode> node = f.node(key);
        if (node.isEmpty()) {
            return Map.of();
        }
        if (!(node.get() instanceof MapNode map)) {
            f.error(key, "expected a map of header name to value, got " + node.get().describe());
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        map.members().forEach((name, member) -> {
            String path = f.pathOf(key) + "." + name;
            if (!HEADER_NAME.matcher(name).matches()) {
                diagnostics.error(source, member.keyMark(), path, "expected a header name (letters, digits, -)");
            } else if (member.value() instanceof Scalar s && s.value().isTextual()) {
                headers.put(name, s.value().textValue());
            } else {
                diagnostics.error(source, member.value().mark(), path, "expected text, got "
                        + member.value().describe() + (member.value() instanceof Scalar ? " (quote it)" : ""));
            }
        });
        return Collections.unmodifiableMap(headers);
    }

    private ActionConfig slack(Fields f, OptionalLong timeout) {
        Optional<String> url = f.url("webhook_url");
        Optional<String> urlEnv = f.envName("webhook_url_env");
        if (!f.has("webhook_url") && !f.has("webhook_url_env")) {
            f.missing("webhook_url", "slack needs webhook_url or webhook_url_env");
        }
        return new ActionConfig.Slack(url, urlEnv, f.text("channel"), f.text("message_template"), timeout);
    }

    private ActionConfig email(Fields f, OptionalLong timeout) {
        Optional<String> to = f.text("to");
        Optional<String> toTemplate = f.text("to_template");
        if (!f.has("to") && !f.has("to_template")) {
            f.missing("to", "email needs to or to_template");
        }
        Optional<String> subject = f.text("subject");
        Optional<String> subjectTemplate = f.text("subject_template");
        if (!f.has("subject") && !f.has("subject_template")) {
            f.missing("subject", "email needs subject or subject_template");
        }
        String body = f.requiredText("body_template", "the message body template").orElse(null);
        return new ActionConfig.Email(to, toTemplate, subject, subjectTemplate, body, f.text("reply_to"), timeout);
    }

    private ActionConfig cache(Fields f, OptionalLong timeout) {
        List<String> patterns = new ArrayList<>();
        Optional<ConfigNode> node = f.node("key_pattern");
        if (node.isEmpty()) {
            f.missing("key_pattern", "required: a Redis key or glob pattern, or a list of them");
        } else if (node.get() instanceof ListNode list) {
            if (list.items().isEmpty()) {
                f.error("key_pattern", "expected at least one key pattern");
            }
            for (int i = 0; i < list.items().size(); i++) {
                ConfigNode item = list.items().get(i);
                if (item instanceof Scalar s && s.value().isTextual() && !s.value().textValue().isBlank()) {
                    patterns.add(s.value().textValue());
                } else {
                    diagnostics.error(source, item.mark(), f.pathOf("key_pattern") + "[" + i + "]",
                            "expected a non-empty key pattern, got " + item.describe());
                }
            }
        } else {
            f.text("key_pattern").ifPresent(patterns::add);
        }
        f.text("action").filter(a -> !a.equals("invalidate")).ifPresent(a ->
                f.error("action", "expected 'invalidate' (the only cache action), got '" + a + "'"));
        return new ActionConfig.Cache(List.copyOf(patterns), "invalidate", timeout);
    }

    private ActionConfig database(Fields f, OptionalLong timeout) {
        String function = f.requiredText("function_name", "the SQL function to call, name or schema.name")
                .filter(name -> {
                    if (SQL_FUNCTION.matcher(name).matches()) {
                        return true;
                    }
                    f.error("function_name", "expected a plain or schema-qualified SQL identifier"
                            + " ([A-Za-z_][A-Za-z0-9_]*, optionally schema.name), got '" + name + "'");
                    return false;
                }).orElse(null);
        Map<String, Object> params = Map.of();
        Optional<ConfigNode> node = f.node("params");
        if (node.isPresent()) {
            if (node.get() instanceof MapNode map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> plain = (Map<String, Object>) plain(map);
                params = plain;
            } else {
                f.error("params", "expected a map of parameters, got " + node.get().describe());
            }
        }
        return new ActionConfig.Database(function, params, timeout);
    }

    /**
     * FraiseQL's retry block. Unknown fields are refused, as FraiseQL's {@code deny_unknown_fields} does;
     * {@code acceptBackoffAlias} lets {@code tb_observer} rows keep FraiseQL's old {@code backoff} key.
     */
    RetryPolicy retry(ConfigNode node, String path, boolean acceptBackoffAlias) {
        if (!(node instanceof MapNode map)) {
            diagnostics.error(source, node.mark(), path, "expected a map with " + String.join(", ", RETRY_FIELDS)
                    + ", got " + node.describe());
            return RetryPolicy.DEFAULT;
        }
        List<String> known = acceptBackoffAlias
                ? Stream.concat(RETRY_FIELDS.stream(), Stream.of("backoff")).toList() : RETRY_FIELDS;
        Map<String, String> hints = acceptBackoffAlias ? Map.of() : Map.of("backoff",
                "unknown field; the retry block calls it backoff_strategy (exponential, linear or fixed)");
        int before = diagnostics.count();
        Fields f = Fields.open(map, path, source, diagnostics, known, hints);
        long attempts = f.wholeNumber("max_attempts", 1).orElse(RetryPolicy.DEFAULT.maxAttempts());
        if (attempts > Integer.MAX_VALUE) {
            f.error("max_attempts", "expected at most " + Integer.MAX_VALUE + ", got " + attempts);
        }
        long initial = f.wholeNumber("initial_delay_ms", 0).orElse(RetryPolicy.DEFAULT.initialDelayMs());
        long max = f.wholeNumber("max_delay_ms", 0).orElse(RetryPolicy.DEFAULT.maxDelayMs());
        String strategyKey = "backoff_strategy";
        if (acceptBackoffAlias && f.has("backoff")) {
            if (f.has("backoff_strategy")) {
                f.error("backoff", "set backoff_strategy only; backoff is FraiseQL's old name for it");
            } else {
                f.warn("backoff", "FraiseQL's old name for backoff_strategy; read as backoff_strategy, rename it");
                strategyKey = "backoff";
            }
        }
        BackoffStrategy strategy = f.choice(strategyKey, List.of("exponential", "linear", "fixed"), "exponential")
                .map(s -> BackoffStrategy.valueOf(s.toUpperCase(Locale.ROOT)))
                .orElse(BackoffStrategy.EXPONENTIAL);
        if (diagnostics.count() > before) {
            return RetryPolicy.DEFAULT;
        }
        if (max < initial) {
            f.error("max_delay_ms", "expected at least initial_delay_ms (" + initial + "), got " + max
                    + (f.has("max_delay_ms") ? "" : " (the default)"));
            return RetryPolicy.DEFAULT;
        }
        return new RetryPolicy((int) attempts, initial, max, strategy);
    }

    /** A parameter value as plain Java: maps, lists, strings, numbers, booleans and nulls. */
    private static Object plain(ConfigNode node) {
        return switch (node) {
            case MapNode map -> {
                Map<String, Object> out = new LinkedHashMap<>();
                map.members().forEach((key, member) -> out.put(key, plain(member.value())));
                yield Collections.unmodifiableMap(out);
            }
            case ListNode list -> list.items().stream().map(DefinitionReader::plain).toList();
            case Scalar s when s.value().isNull() -> null;
            case Scalar s when s.value().isTextual() -> s.value().textValue();
            case Scalar s when s.value().isNumber() -> s.value().numberValue();
            case Scalar s when s.value().isBoolean() -> s.value().booleanValue();
            case Scalar s -> s.value().asText();
        };
    }

    /** Reports a problem at a place that has no field of its own. */
    void error(Mark mark, String path, String message) {
        diagnostics.error(source, mark, path, message);
    }
}
