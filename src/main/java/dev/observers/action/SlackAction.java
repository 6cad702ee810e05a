package dev.observers.action;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.changelog.ChangeEvent;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.Optional;

/**
 * {@code type: slack}: posts {@code {"text": …, "channel": …}} to a Slack incoming webhook. The text is
 * the rendered {@code message_template}, or FraiseQL's one-line summary of the event. The webhook URL's
 * path is its secret, so only its host ever appears in messages.
 */
public final class SlackAction implements Action {

    private final HttpClient client;
    private final HttpEndpoint endpoint;
    private final Optional<String> channel;
    private final Optional<Template> message;

    private SlackAction(HttpClient client, HttpEndpoint endpoint, Optional<String> channel,
                        Optional<Template> message) {
        this.client = client;
        this.endpoint = endpoint;
        this.channel = channel;
        this.message = message;
    }

    /**
     * Builds the action, resolving {@code webhook_url_env} now.
     *
     * @throws IllegalArgumentException naming the field or variable that is wrong
     */
    public static SlackAction from(ActionConfig.Slack config, HttpClient client, Environment env) {
        HttpEndpoint endpoint = HttpEndpoint.resolve("slack", "webhook_url", config.webhookUrl(),
                config.webhookUrlEnv(), env);
        return new SlackAction(client, endpoint, config.channel().filter(c -> !c.isBlank()),
                config.messageTemplate().map(Template::compile));
    }

    @Override
    public String type() {
        return "slack";
    }

    @Override
    public String target() {
        return endpoint.target();
    }

    @Override
    public void execute(ChangeEvent event, Invocation invocation) throws ActionFailure, InterruptedException {
        ObjectNode json = EventJson.of(event);
        ObjectNode payload = EventJson.MAPPER.createObjectNode();
        payload.put("text", message.map(t -> t.render(json)).orElseGet(() -> summary(event)));
        channel.ifPresent(c -> payload.put("channel", c));
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.uri())
                .POST(BodyPublishers.ofByteArray(EventJson.bytes(payload)))
                .header("Content-Type", "application/json");
        if (endpoint.authorization() != null) {
            request.header("Authorization", endpoint.authorization());
        }
        HttpDelivery.send(client, request, endpoint, invocation, "slack");
    }

    /** FraiseQL's default text: {@code Event: UPDATE on Order (ID: <uuid>)}. */
    static String summary(ChangeEvent event) {
        return "Event: " + event.kind().name() + " on " + event.entityType() + " (ID: "
                + (event.entityId() == null ? "none" : event.entityId()) + ")";
    }
}
