package dev.observers.action;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An action as written in an observer definition (FraiseQL's tagged {@code type}). Pure data:
 * checked when loaded, turned into a runnable {@link Action} by the {@link ActionFactory}.
 */
public sealed interface ActionConfig {

    /** The {@code type} tag. */
    String type();

    /** {@code timeout_ms}: this action's attempt timeout, else the daemon's default. */
    OptionalLong timeoutMs();

    /** {@code type: log}: writes a rendered line to the daemon's log. */
    record Log(String level, String messageTemplate, OptionalLong timeoutMs) implements ActionConfig {
        public String type() {
            return "log";
        }
    }

    /**
     * {@code type: webhook}: an HTTP request. The default body is the event as JSON; 4xx other than
     * 429 is permanent, 429 and 5xx are transient.
     */
    record Webhook(Optional<String> url, Optional<String> urlEnv, String method, Map<String, String> headers,
                   Optional<String> bodyTemplate, Optional<String> signingSecretEnv, OptionalLong timeoutMs)
            implements ActionConfig {
        public String type() {
            return "webhook";
        }
    }

    /** {@code type: slack}: a message to a Slack incoming webhook. */
    record Slack(Optional<String> webhookUrl, Optional<String> webhookUrlEnv, Optional<String> channel,
                 Optional<String> messageTemplate, OptionalLong timeoutMs) implements ActionConfig {
        public String type() {
            return "slack";
        }
    }

    /** {@code type: email}: a message through the configured SMTP server. */
    record Email(Optional<String> to, Optional<String> toTemplate, Optional<String> subject,
                 Optional<String> subjectTemplate, String bodyTemplate, Optional<String> replyTo,
                 OptionalLong timeoutMs) implements ActionConfig {
        public String type() {
            return "email";
        }
    }

    /** {@code type: cache}: invalidates Redis keys or glob patterns built from the event. */
    record Cache(List<String> keyPatterns, String action, OptionalLong timeoutMs) implements ActionConfig {
        public String type() {
            return "cache";
        }
    }

    /** {@code type: database}: calls a SQL function with {@code {"event": …, "params": …}} as jsonb. */
    record Database(String functionName, Map<String, Object> params, OptionalLong timeoutMs) implements ActionConfig {
        public String type() {
            return "database";
        }
    }

    /** {@code type: publish}: sends the event to a broker (exchange / routing key templates). */
    record Publish(Optional<String> exchange, String routingKeyTemplate, Optional<String> bodyTemplate,
                   OptionalLong timeoutMs) implements ActionConfig {
        public String type() {
            return "publish";
        }
    }
}
