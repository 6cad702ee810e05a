package dev.observers.action;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.changelog.ChangeEvent;
import org.jboss.logging.Logger;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code type: webhook}: sends the event (or the rendered {@code body_template}) to an HTTP endpoint,
 * with the event id and the invocation's idempotency key as headers so receivers can drop repeats,
 * the change's W3C {@code traceparent} when it has one ({@link TraceParent}), and FraiseQL's HMAC
 * signature when {@code signing_secret_env} is set. A {@code body_template} that is
 * JSON with holes is filled JSON-safely; any other text is sent as one JSON string, as FraiseQL does.
 */
public final class WebhookAction implements Action {

    static final String EVENT_ID_HEADER = "X-FraiseQL-Event-Id";
    static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

    private static final Logger LOG = Logger.getLogger(WebhookAction.class);
    private static final Pattern METHOD = Pattern.compile("[A-Z]+");
    private static final Set<String> OWN_HEADERS = Set.of(EVENT_ID_HEADER.toLowerCase(Locale.ROOT),
            IDEMPOTENCY_HEADER.toLowerCase(Locale.ROOT), WebhookSignature.HEADER.toLowerCase(Locale.ROOT));

    /** Header names whose values are credentials, kept out of failure messages should a receiver echo them. */
    private static final List<String> SECRET_HEADER_WORDS =
            List.of("authorization", "api-key", "apikey", "cookie", "secret", "token", "password");

    private record Header(String name, Template value) {
    }

    private final HttpClient client;
    private final HttpEndpoint endpoint;
    private final String method;
    private final List<Header> headers;
    private final boolean customContentType;
    private final boolean customAuthorization;
    private final Template body;
    private final boolean bodyIsText;
    private final byte[] signingSecret;

    private WebhookAction(HttpClient client, HttpEndpoint endpoint, String method, List<Header> headers,
                          Template body, boolean bodyIsText, byte[] signingSecret) {
        this.client = client;
        this.endpoint = endpoint;
        this.method = method;
        this.headers = headers;
        this.customContentType = headers.stream().anyMatch(h -> h.name().equalsIgnoreCase("Content-Type"));
        this.customAuthorization = headers.stream().anyMatch(h -> h.name().equalsIgnoreCase("Authorization"));
        this.body = body;
        this.bodyIsText = bodyIsText;
        this.signingSecret = signingSecret;
    }

    /**
     * Builds the action, resolving {@code url_env} and {@code signing_secret_env} now.
     *
     * @throws IllegalArgumentException naming the field or variable that is wrong
     */
    public static WebhookAction from(ActionConfig.Webhook config, HttpClient client, Environment env) {
        HttpEndpoint endpoint = HttpEndpoint.resolve("webhook", "url", config.url(), config.urlEnv(), env);
        String method = config.method() == null || config.method().isBlank()
                ? "POST" : config.method().strip().toUpperCase(Locale.ROOT);
        if (!METHOD.matcher(method).matches()) {
            throw new IllegalArgumentException("webhook action: method '" + config.method() + "' is not an HTTP method");
        }
        String signingSecret = config.signingSecretEnv()
                .map(name -> env.require("webhook", "signing_secret_env", name))
                .orElse(null);
        List<Header> headers = headers(config.headers());
        Template body = config.bodyTemplate().map(Template::forJson).orElse(null);
        boolean bodyIsText = body != null && !body.rendersJson();
        if (bodyIsText) {
            body = Template.compile(body.source());
        }
        return new WebhookAction(client, endpoint.withSecrets(secrets(headers, signingSecret)), method, headers, body,
                bodyIsText, signingSecret == null ? null : signingSecret.getBytes(StandardCharsets.UTF_8));
    }

    /** The signing secret and credential-like header values, kept out of failure messages. */
    private static List<String> secrets(List<Header> headers, String signingSecret) {
        List<String> secrets = new ArrayList<>();
        if (signingSecret != null) {
            secrets.add(signingSecret);
        }
        for (Header header : headers) {
            String name = header.name().toLowerCase(Locale.ROOT);
            if (SECRET_HEADER_WORDS.stream().anyMatch(name::contains) && !header.value().hasHoles()) {
                String value = header.value().source();
                secrets.add(value);
                secrets.add(value.replaceFirst("^\\S+\\s+", ""));
            }
        }
        return secrets;
    }

    private static List<Header> headers(Map<String, String> configured) {
        List<Header> out = new ArrayList<>();
        if (configured == null) {
            return out;
        }
        configured.forEach((name, value) -> {
            if (OWN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                LOG.warnf("webhook action: header %s is set by the daemon; the configured value is not sent", name);
                return;
            }
            Template template = Template.compile(value == null ? "" : value);
            try {
                HttpRequest.newBuilder().header(name, template.hasHoles() ? "x" : template.source());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("webhook action: header '" + name + "' cannot be sent: "
                        + e.getMessage());
            }
            out.add(new Header(name, template));
        });
        return List.copyOf(out);
    }

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public String target() {
        return endpoint.target();
    }

    @Override
    public void execute(ChangeEvent event, Invocation invocation) throws ActionFailure, InterruptedException {
        ObjectNode json = EventJson.of(event);
        byte[] payload = payload(json);
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.uri());
        request.method(method, method.equals("GET") || method.equals("HEAD")
                ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(payload));
        for (Header header : headers) {
            String value = header.value().render(json);
            try {
                request.header(header.name(), value);
            } catch (IllegalArgumentException e) {
                throw ActionFailure.permanent("invalid_request", "webhook to " + endpoint.target() + ": header "
                        + header.name() + " rendered to a value HTTP cannot carry (a line break from the event?)");
            }
        }
        if (!customContentType) {
            request.header("Content-Type", "application/json");
        }
        if (endpoint.authorization() != null && !customAuthorization) {
            request.header("Authorization", endpoint.authorization());
        }
        request.header(EVENT_ID_HEADER, String.valueOf(event.id()));
        request.header(IDEMPOTENCY_HEADER, invocation.idempotencyKey());
        TraceParent.headers(event).forEach((name, value) -> {
            if (headers.stream().noneMatch(h -> h.name().equalsIgnoreCase(name))) {
                request.header(name, value);
            }
        });
        if (signingSecret != null) {
            request.header(WebhookSignature.HEADER,
                    WebhookSignature.sign(signingSecret, System.currentTimeMillis() / 1000, payload));
        }
        HttpDelivery.send(client, request, endpoint, invocation, "webhook");
    }

    private byte[] payload(ObjectNode json) {
        if (body == null) {
            return EventJson.bytes(json);
        }
        String rendered = body.render(json);
        if (bodyIsText) {
            rendered = EventJson.text(EventJson.MAPPER.getNodeFactory().textNode(rendered));
        }
        return rendered.getBytes(StandardCharsets.UTF_8);
    }
}
